from django.conf import settings


def concord(request):
    return {
        "upload_max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        # Each language in its own name (the switcher), never translated: a person who cannot
        # read the current language still finds theirs.
        "interface_languages": settings.LANGUAGES,
    }
