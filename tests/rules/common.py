PUBLIC = "public"
LOGIN = "login"
