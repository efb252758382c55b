from django.conf import settings


def site(request):
    return {
        "site_name": settings.GWD_SITE_NAME,
        "interface_languages": [
            ("pl", "Polski"),
            ("uk", "Українська"),
            ("en", "English"),
        ],
    }
