import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
if settings.REDIS_URL:
    # The cache's Redis client, which Django imports at the first read of the cache: some 40 ms
    # of imports (60-odd modules) that would otherwise fall on a request, in each process (a
    # first open of the coding view's text, served from the cache, paid them: 150-600 ms under
    # load). Only imported: no connection is made until a request reads the cache.
    import redis  # noqa: F401
# Everything loaded so far lives as long as the process: out of the collector's way, so that
# a full collection walks only what requests made since (otherwise some 200,000 objects, a
# pause of 50-200 ms in the request that happens to trigger it: the coding view's slow tail).
gc.freeze()
