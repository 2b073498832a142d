"""WSGI entry for gunicorn: `gunicorn -c config/gunicorn.conf.py bot.wsgi:app`.

The app is built without background threads; config/gunicorn.conf.py starts them in each worker
after the fork (threads and pooled connections do not survive a fork)."""
from bot.app import create_app
from bot.settings import load_settings

app = create_app(load_settings(), background=False)
