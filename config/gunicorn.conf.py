# gunicorn settings for 校园安全整治助手: `gunicorn -c config/gunicorn.conf.py bot.wsgi:app`.
# Bind stays on loopback: a reverse proxy terminates HTTPS (docs/production.md).
import os



def _default_workers() -> int:
    """One worker on SQLite (one writer: a second process only adds lock waits, measured by
    bench/load_bench.py as p99 0.8 s against 0.18 s), two per instance on PostgreSQL (2-core hosts)."""
    try:
        from bot.settings import load_settings
        return 1 if load_settings().database.startswith("sqlite") else 2
    except Exception:  # noqa: BLE001 - a config error is reported by the app itself, with line numbers
        return 2


bind = os.environ.get("BOT_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("BOT_WORKERS") or _default_workers())
threads = int(os.environ.get("BOT_THREADS", "8"))
worker_class = "gthread"
# The app (settings, migrations, directory sync, parser) is built once in the master and shared
# copy-on-write; a bad config fails the start instead of every worker.
preload_app = True
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("BOT_ACCESS_LOG", "-")
# %(U)s is the path without its query string: dashboard tokens and callback signatures stay out of logs
access_log_format = '%(h)s %(m)s %(U)s %(s)s %(b)s %(M)sms'


def post_fork(server, worker):
    # Connections made in the master must not be shared by workers; each worker starts its own
    # outbox sender, and the scheduler whose lease makes exactly one of them (or of the instances) sweep.
    app = worker.app.wsgi()
    bot = getattr(app, "bot", None)
    if bot is None:          # another WSGI app under these settings (bench/load_bench.py's floor)
        return
    bot.db.engine.dispose(close=False)
    bot.start_background()
