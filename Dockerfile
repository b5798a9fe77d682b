# okrbot: `docker build -t okrbot .`, then
#   docker run -p 3000:3000 -e DATABASE_URL=postgresql://... -e OKRBOT_SECRET_KEY=... -e SLACK_... okrbot
# Migrations: `docker run --rm -e DATABASE_URL=... okrbot okrbot db upgrade` before starting a new version.

# --- build: install okrbot and its dependencies into a virtualenv --------------------------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# Every dependency ships wheels for linux/amd64 and linux/arm64. Should one not on some platform, install
# build-essential here: compilers stay in this stage and never reach the image.
RUN python -m venv /opt/okrbot
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
RUN /opt/okrbot/bin/pip install .

# --- the image: Python, the virtualenv, a user without privileges ------------------------------------------
FROM python:3.11-slim
ENV PATH=/opt/okrbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OKRBOT_ENV=production \
    PORT=3000
RUN groupadd --system --gid 10001 okrbot \
    && useradd --system --uid 10001 --gid okrbot --home-dir /app --create-home --shell /usr/sbin/nologin okrbot
COPY --from=build /opt/okrbot /opt/okrbot
# The working directory is the user's own: a SQLite DATABASE_URL (for trying it out) can live here, or on a
# volume mounted here.
WORKDIR /app
USER okrbot:okrbot
EXPOSE 3000
# /healthz answers while the process serves. The slim image has no curl: Python's urllib does the request.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=3)"
# Exec form, so that `docker stop`'s SIGTERM reaches okrbot (a shell would not pass it on): okrbot then stops
# taking requests, finishes the ones in flight and its sends, and exits within Docker's 10 s.
STOPSIGNAL SIGTERM
CMD ["okrbot", "serve"]
