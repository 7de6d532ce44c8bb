from django.urls import path

from tandem.sso import views

app_name = "sso"

urlpatterns = [
    path("oidc/start/", views.oidc_start, name="oidc_start"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("saml/start/", views.saml_start, name="saml_start"),
    path("saml/acs/", views.saml_acs, name="saml_acs"),
    path("saml/metadata/", views.saml_metadata, name="saml_metadata"),
    path("status/", views.status_view, name="status"),
]
