# The API and the projector from this repository (the command picks which process runs), on Node 26:
# the active LTS line since 2026-10-28 (Node 20 reached end of life on 2026-04-30, Node 24 entered
# maintenance on 2026-10-20). better-sqlite3 12.x supports it (engines 20.x to 26.x) and compiles here
# from source, with the build stage's python3, make and g++, where no prebuilt binary matches.
FROM node:26-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build api && npx nest build projector && npm prune --omit=dev

FROM node:26-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/config ./config
EXPOSE 3000
CMD ["node", "dist/apps/api/apps/api/src/main.js"]
