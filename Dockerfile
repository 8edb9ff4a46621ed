# One image for the web process and the Celery worker (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install --yes --no-install-recommends make \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock Makefile ./
RUN make install
COPY . .
RUN useradd --create-home app && mkdir -p /app/media /app/staticfiles && chown -R app /app
USER app
EXPOSE 8000
CMD ["make", "serve"]
