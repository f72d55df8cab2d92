"""Sign-in pages (django-allauth, config/urls.py): reachable logged out, or for any account.

None of them shows project data. The pages a visitor needs before being signed in (log in, the
second-factor step of logging in, single sign-on, password reset, the closed sign-up page) are
PUBLIC; the rest are the signed-in person's own settings (LOGIN).
"""

from tests.rules.common import LOGIN, PUBLIC

KWARG_BUILDERS = {
    "key": lambda world: "no-such-key",
    "uidb36": lambda world: "1",
    "provider_id": lambda world: "sso",
    "pk": lambda world: 999999,
}

URL_RULES = {
    "account_login": PUBLIC,
    "account_logout": PUBLIC,
    "account_signup": PUBLIC,  # answers "sign-up is closed"
    "account_inactive": PUBLIC,
    "account_confirm_email": PUBLIC,
    "account_email_verification_sent": PUBLIC,
    "account_confirm_login_code": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "mfa_authenticate": PUBLIC,  # the second step of logging in
    "mfa_login_webauthn": PUBLIC,  # logging in with a passkey
    "openid_connect_login": PUBLIC,
    "openid_connect_callback": PUBLIC,
    "socialaccount_login_cancelled": PUBLIC,
    "socialaccount_login_error": PUBLIC,
    "socialaccount_signup": PUBLIC,
    "invitation-accept": PUBLIC,
    "account_change_password": LOGIN,
    "account_set_password": LOGIN,
    "account_email": LOGIN,
    "account_reauthenticate": LOGIN,
    "mfa_index": LOGIN,
    "mfa_activate_totp": LOGIN,
    "mfa_deactivate_totp": LOGIN,
    "mfa_add_webauthn": LOGIN,
    "mfa_list_webauthn": LOGIN,
    "mfa_edit_webauthn": LOGIN,
    "mfa_remove_webauthn": LOGIN,
    "mfa_reauthenticate": LOGIN,
    "mfa_reauthenticate_webauthn": LOGIN,
    "mfa_generate_recovery_codes": LOGIN,
    "mfa_view_recovery_codes": LOGIN,
    "mfa_download_recovery_codes": LOGIN,
    "socialaccount_connections": LOGIN,
    "usersessions_list": LOGIN,
    "profile": LOGIN,
    "language-set": PUBLIC,  # the switcher on every page, the login page included (POST)
    "second-factor-required": LOGIN,
}
