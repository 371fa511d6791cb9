# The API and the projector from this repository (the command picks which process runs), on Node 26:
# the active LTS line since 2026-10-28 (Node 20 reached end of life on 2026-04-30, Node 24 entered
# maintenance on 2026-10-20). better-sqlite3 12.x supports it (engines 20.x to 26.x); where no
# prebuilt binary matches, it compiles in the build stage with python3, make and g++. Built that way
# against Node 24.19 or later it aborts when a statement is garbage collected; against Node 26 it
# does not. Both stages take one Node version, so the binding runs on the Node it was built for.
ARG NODE_VERSION=26

FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build api && npx nest build projector && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/config ./config
EXPOSE 3000
# The preload starts tracing when OTEL_TRACES_EXPORTER is set (docs/operations.md), before the API imports http and its clients.
CMD ["node", "--import", "./dist/apps/api/apps/api/src/observability/tracing.preload.js", "dist/apps/api/apps/api/src/main.js"]
