# Access Recovery Bot as a container, for teams that prefer containers to App Service's Node
# runtime. Build: docker build -t access-recovery-bot .  (see docs/operations.md, "Container").
# The build stage has the development dependencies (TypeScript, esbuild, tsx); the runtime stage
# runs the compiled service with production dependencies only, as a non-root user.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY data ./data
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    ARB_MODE=production \
    HOST=0.0.0.0 \
    PORT=3978
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: no production dependency needs one, and none runs as root here.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY cards ./cards
COPY data ./data
USER node
EXPOSE 3978
# /readyz answers 200 once storage answers (the platform's own health check should use it too).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["npm", "run", "start:prod"]
