# gunicorn settings for 校园安全整治助手. Bind stays on loopback: a reverse proxy terminates HTTPS.
import os

bind = os.environ.get("BOT_BIND", "127.0.0.1:8080")
workers = int(os.environ.get("BOT_WORKERS", "2"))
threads = int(os.environ.get("BOT_THREADS", "8"))
worker_class = "gthread"
preload_app = True
timeout = 30
graceful_timeout = 10
accesslog = "-"
# %(U)s is the path without its query string: dashboard tokens and callback signatures stay out of logs
access_log_format = '%(h)s %(m)s %(U)s %(s)s %(b)s %(M)sms'


def post_fork(server, worker):
    # Connections made in the master must not be shared by workers; each worker starts its own
    # outbox sender, and the scheduler whose lease makes exactly one of them (or of the instances) sweep.
    from bot.wsgi import app
    app.bot.db.engine.dispose(close=False)
    app.bot.start_background()
