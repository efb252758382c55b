from django.apps import AppConfig


class GwdConfig(AppConfig):
    name = "gwd"
    verbose_name = "GWD"
