# The image for web, worker and beat (docker-compose.yml). Not built on the development
# machines of this project (no Docker engine there); kept minimal and honest.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-fund --no-audit --loglevel=error

FROM python:3.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SAMEN_ENV=production
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 samen
WORKDIR /app
COPY . .
COPY --from=frontend /app/node_modules ./node_modules
RUN pip install --no-cache-dir . \
    && SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time-xxxx ALLOWED_HOSTS=build \
       DATABASE_URL=postgres://build/build REDIS_URL=redis://build:6379/0 \
       python manage.py collectstatic --no-input \
    && mkdir -p /app/var/media && chown -R samen /app/var
USER samen
EXPOSE 8000
# gunicorn.conf.py: access log without query strings, personal data masked (docs/privacy.md).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "samen.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
