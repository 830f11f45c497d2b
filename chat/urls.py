from django.contrib.auth import views as auth_views
from django.urls import path

from chat import views
from chat.account import views as account_views
from chat.exports import views as exports_views
from chat.history import views as history
from chat.practice import views as practice_views

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("login/", views.login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("conversations/new/", views.new_conversation, name="new-conversation"),
    path("conversations/<int:conversation_id>/", views.conversation, name="conversation"),
    path("conversations/<int:conversation_id>/turns/", views.turns, name="turns"),
    path(
        "conversations/<int:conversation_id>/turns/<int:message_id>/",
        views.turns,
        name="turn",
    ),
    path("conversations/<int:conversation_id>/review/", views.review, name="review"),
    path("account/", account_views.account, name="account"),
    path("account/data/", account_views.my_data, name="account-data"),
    path("account/delete/", account_views.delete_account, name="account-delete"),
    path("account/deleted/", account_views.account_deleted, name="account-deleted"),
    path("exports/", exports_views.exports, name="exports"),
    path("practice/", practice_views.practice, name="practice"),
    path("mistakes/", history.mistakes, name="mistakes"),
    path("mistakes/patterns/<int:pattern_id>/", history.mistake_pattern, name="mistake-pattern"),
    path("progress/", history.progress, name="progress"),
    path("settings/", history.learner_settings, name="learner-settings"),
]
