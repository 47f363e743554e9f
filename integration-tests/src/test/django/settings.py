# A Django app that knows nothing about proxies: no SECURE_PROXY_SSL_HEADER, no USE_X_FORWARDED_HOST,
# no *_COOKIE_SECURE. tlsfront in front of it must still make it a correct HTTPS-only site.
SECRET_KEY = "integration-test-only"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.sessions"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"  # no database needed
DATABASES = {}
USE_TZ = True
DATA_UPLOAD_MAX_MEMORY_SIZE = None
