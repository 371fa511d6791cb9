# The API and the projector from this repository, on Node 20 (the command picks which process runs).
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nest build api && npx nest build projector && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/config ./config
EXPOSE 3000
# The preload starts tracing when OTEL_TRACES_EXPORTER is set (docs/operations.md), before the API imports http and its clients.
CMD ["node", "--import", "./dist/apps/api/apps/api/src/observability/tracing.preload.js", "dist/apps/api/apps/api/src/main.js"]
