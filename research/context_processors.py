from django.conf import settings


def concord(request):
    return {"upload_max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
