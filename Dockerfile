# crashtriage image: Node 24 runs src/*.ts directly (type stripping), so there is no build step.
# The Node version matches the `node` devDependency the tests run on (package.json).
# Build: docker build -t ghcr.io/crashtriage/crashtriage:0.1.0 .

# Production dependencies only: --omit=dev leaves out the test tools and the `node` npm package
# (the image has its own Node). --ignore-scripts: no dependency runs code at build time.
FROM node:24.21.0-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Then out with what nothing loads at run time (measured: 131 of the image's MB were node_modules):
# type declarations and source maps (@kubernetes/client-node alone had ~39 MB of them), @types
# packages (nested ones too), and the DejaVu faces other than the two the OOM chart draws with
# (src/history/chart-png.ts). Then the packages' own tests, docs, examples and benchmarks (the
# directories of those names at a package's root; fastify's and bintrees' tests alone ~4.7 MB),
# Markdown, and TypeScript sources (Node strips no types under node_modules, so none runs): ~16 of the
# 73 MB left. scripts/image/test.sh runs the image after it.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete \
 && find node_modules -type d -name @types -prune -exec rm -rf {} + \
 && find node_modules/dejavu-fonts-ttf/ttf -type f ! -name DejaVuSans.ttf ! -name DejaVuSans-Bold.ttf -delete \
 && find node_modules -regextype posix-extended -type d \
      -regex '(.*/)?node_modules/(@[^/]+/)?[^/@]+/(test|tests|__tests__|docs?|examples?|benchmarks?)' -prune -exec rm -rf {} + \
 && find node_modules -type f \( -iname '*.md' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' \) -delete

FROM node:24.21.0-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY bin ./bin
# Files stay root-owned and read-only to the service; the pod also mounts the root filesystem
# read-only (deploy/deployment.yaml) with an emptyDir on /tmp.
USER 10001:10001
EXPOSE 8080
# Exec form: node is PID 1 and receives SIGTERM itself; src/main.ts handles it (close-with-grace),
# so no init process is needed. No HEALTHCHECK: Kubernetes probes /healthz and /readyz.
CMD ["node", "src/main.ts"]
