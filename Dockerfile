# The ward bot: `python bot.py run` (Telegram; webhook mode when PUBLIC_URL is set).
#   docker build -t wardbot .
#   docker run -d --name wardbot --stop-timeout 90 -e TELEGRAM_BOT_TOKEN=... -p 8080:8080 \
#     -e TZ=Asia/Ho_Chi_Minh \
#     -v "$PWD:/app/ward" -e FAQ_FILE=/app/ward/faq.yaml -e CONTENT_DIR=/app/ward/content \
#     -v wardbot-data:/app/data wardbot
# (mount the folder, not faq.yaml alone: editors save by replacing the file; read-write and
# writable by uid/gid 10001, for staff's FAQ edits from chat; see README)
# Python's minor version and Debian's release named, as the tests run them: a bare
# `python:3.11-slim` moves to each new Debian release by itself (as it did to trixie in
# 2025), under an image rebuilt for an upgrade.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies in their own layer, rebuilt only when pyproject.toml or constraints.txt
# changes: each at the version constraints.txt pins (the one the tests passed with; see
# tools/constraints.py), not the newest its range in pyproject.toml allows on the day.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt -c constraints.txt \
 && rm /tmp/requirements.txt

# The program, then the ward's files as defaults: mount your own over them.
COPY bot.py ./
COPY wardbot/ wardbot/
COPY index/ index/
COPY handlers/ handlers/
COPY faq.yaml ./
COPY content/ content/

# A non-root user, uid and gid 10001 (the owner a host's ward folder is given, README); in
# the image it may write only to data/ (the search index and the database).
RUN groupadd --gid 10001 ward \
 && useradd --create-home --uid 10001 --gid 10001 ward \
 && mkdir -p /app/data \
 && chown ward:ward /app/data
USER ward

ENV FAQ_FILE=/app/faq.yaml \
    CONTENT_DIR=/app/content \
    DATA_DIR=/app/data \
    HTTP_PORT=8080
VOLUME ["/app/data"]
EXPOSE 8080

# Liveness, not readiness: /livez answers while the bot is alive and serving, /healthz
# (503 while any part is down, a Zalo outage say) is for monitoring; marked unhealthy over
# an outage, the bot would be restarted in a loop by whatever watches it. No answer ->
# unhealthy. A first start on a large archive indexes it before the web server answers
# (minutes): the start period covers it. No curl in slim images: asked with Python, never
# through HTTP_PROXY (set for the way out to Telegram, it cannot reach this container), on
# HTTP_PORT as the bot reads it (blank: 8080).
HEALTHCHECK --interval=30s --timeout=5s --start-period=300s --retries=3 \
  CMD python -c "import os, urllib.request as r; r.build_opener(r.ProxyHandler({})).open('http://127.0.0.1:%s/livez' % (os.environ.get('HTTP_PORT', '').strip() or '8080'), timeout=4)" || exit 1

# Exec form: python is PID 1 and gets SIGTERM from `docker stop` directly.
STOPSIGNAL SIGTERM
CMD ["python", "bot.py", "run"]
