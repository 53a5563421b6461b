# Ledgerdesk production image: the web (gunicorn), worker and beat processes of docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. psycopg[binary] and
# cryptography ship wheels; nothing needs a compiler.
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN groupadd --system ledgerdesk \
    && useradd --system --gid ledgerdesk --home-dir /app --no-create-home ledgerdesk

COPY --chown=ledgerdesk:ledgerdesk . .

# Static files are collected and translations compiled at build time (WhiteNoise serves the
# files). Both need settings, not secrets: a throwaway key for these commands only.
RUN SECRET_KEY=build-only DEBUG=False python manage.py compile_translations \
    && SECRET_KEY=build-only DEBUG=False python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/media \
    && chown -R ledgerdesk:ledgerdesk /app/staticfiles /app/media

USER ledgerdesk

EXPOSE 8000

# /healthz as a client behind the TLS proxy would call it: an allowed Host, X-Forwarded-Proto.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD python -c "\
import os, sys, urllib.request as r; \
host = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); \
host = 'localhost' if host in ('', '*') else host; \
req = r.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}); \
sys.exit(r.urlopen(req, timeout=4).status != 200)"

CMD ["gunicorn", "config.wsgi", "-w", "4", "-b", "0.0.0.0:8000", "--access-logfile", "-"]
