from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from research import views as research_views

# The admin signs in through the same page as everyone (second factor and throttle included),
# never through its own password form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    # Before allauth's own page at this address (its name, account_email, leads here).
    path("accounts/email/", research_views.email_managed_by_owners),
    # Sign-in, second factors, single sign-on and sessions (django-allauth, adapted in
    # research/auth.py); the rules for each URL are in tests/rules/accounts.py.
    path("accounts/", include("allauth.urls")),
    path("accounts/profile/", research_views.profile, name="profile"),
    path("language/", research_views.language_set, name="language-set"),
    path(
        "accounts/second-factor/",
        research_views.second_factor_setup,
        name="second-factor-required",
    ),
    path("invitations/<str:token>/", research_views.invitation_accept, name="invitation-accept"),
    path("healthz/", research_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("research.urls")),
    path("", include("coding.urls")),
    path("", include("cases.urls")),
    path("", include("study.urls")),
]
