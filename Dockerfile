# The image for web, worker and beat (docker-compose.yml). Not built on the development
# machines of this project (no Docker engine there), so every step is a command that the
# Makefile and the tests run as well (docs/deploy.md, "The image"):
#   npm ci --omit=dev                      the front-end packages of package-lock.json
#   uv sync --locked --no-dev              the Python packages of uv.lock (make install)
#   scripts/collectstatic-production       tests/samen/test_production_build.py
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-fund --no-audit --loglevel=error

FROM python:3.13-slim-bookworm
# The same uv as the Makefile's UV_VERSION and the lock's dev group (a test checks).
ARG UV_VERSION=0.13.9
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SAMEN_ENV=production \
    UV_PROJECT_ENVIRONMENT=/app/.venv UV_PYTHON_DOWNLOADS=never UV_NO_CACHE=1 \
    PATH=/app/.venv/bin:$PATH
# gettext for the translations; WeasyPrint's system libraries (its "Debian >= 11, wheels"
# install list, plus HarfBuzz-subset, which WeasyPrint warns it will require, and fontconfig
# with one font family) for the PDF letters and the council report.
RUN apt-get update && apt-get install -y --no-install-recommends \
        gettext \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        libfontconfig1 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir "uv==${UV_VERSION}" \
    && useradd --create-home --uid 1000 samen
WORKDIR /app
# The lock first, so the packages stay in their own layer until uv.lock changes.
COPY pyproject.toml uv.lock ./
COPY scripts/find-python scripts/
RUN uv sync --locked --no-dev --python "$(scripts/find-python)"
COPY . .
COPY --from=frontend /app/node_modules ./node_modules
RUN scripts/collectstatic-production \
    && mkdir -p /app/var/media && chown -R samen /app/var
USER samen
EXPOSE 8000
# gunicorn.conf.py: access log without query strings, personal data masked (docs/privacy.md).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "samen.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
