import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Everything loaded so far lives as long as the process: out of the collector's way, so that
# a full collection walks only what requests made since (otherwise some 200,000 objects, a
# pause of 50-200 ms in the request that happens to trigger it: the coding view's slow tail).
gc.freeze()
