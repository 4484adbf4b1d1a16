# One image per service, from this one file:
#   docker build --build-arg SERVICE=police -t lienganh/police:0.1.0 .
# SERVICE is coordination, labour, police, health, culture, justice or reporting (a folder of services/).
# Every image also carries the platform package, whose provision-streams main creates the
# JetStream streams (deploy/ runs it once as the operator identity).

# Node 24, the version the root package.json brings, on the Debian the tests run on.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# Build: the whole workspace, as `npm start` builds it.
FROM ${NODE_IMAGE} AS build
ARG SERVICE
RUN test -n "$SERVICE" || (echo 'build with --build-arg SERVICE=<coordination|labour|police|health|culture|justice|reporting>' >&2; exit 1)
WORKDIR /app
COPY . .
RUN npm install --no-audit --no-fund \
 && npx turbo run build --filter="@lienganh/${SERVICE}..." --output-logs=errors-only
# Only what runs: the service, the packages it depends on, each as package.json + dist
# (coordination also serves web/ and reads demo/).
RUN set -eu; \
    for dir in contracts services/platform "services/${SERVICE}"; do \
      mkdir -p "/out/$dir"; \
      cp -r "$dir/package.json" "$dir/dist" "/out/$dir/"; \
      for extra in web demo; do [ ! -d "$dir/$extra" ] || cp -r "$dir/$extra" "/out/$dir/"; done; \
    done; \
    cp package-lock.json /out/; \
    node -e 'const p = require("./package.json"); p.workspaces = ["contracts", "services/platform", "services/" + process.env.SERVICE]; delete p.scripts; require("fs").writeFileSync("/out/package.json", JSON.stringify(p, null, 2))'

# Production dependencies of that one service (and of the workspace packages it uses).
FROM ${NODE_IMAGE} AS dependencies
ARG SERVICE
WORKDIR /app
COPY --from=build /out/ ./
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund --workspace="services/${SERVICE}" \
 && npm cache clean --force

# Runtime: Node 24, not root, nothing but the service.
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="lienganh-${SERVICE}"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    DATA_DIR=/var/lib/lienganh
WORKDIR /app
COPY --from=dependencies --chown=root:root /app/ ./
RUN mkdir -p /var/lib/lienganh && chown node:node /var/lib/lienganh
USER node
WORKDIR /app/services/${SERVICE}
EXPOSE 8080 8081 8082 8083 8084 8085
# Exec form, no shell: node is PID 1 and gets SIGTERM itself (main.ts stops gracefully on it).
CMD ["node", "dist/main.js"]
