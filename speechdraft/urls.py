from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = admin.site.site_title = "讲稿工坊 · 系统管理"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="drafting:list"), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("speeches/", include("speechdraft.drafting.urls")),
    path("library/", include("speechdraft.library.urls")),
    path("checks/", include("speechdraft.checks.urls")),
    path("export/", include("speechdraft.export.urls")),
    path("review/", include("speechdraft.review.urls")),
    path("admin/", admin.site.urls),
]
