from django.contrib.auth import views as auth_views
from django.urls import path

from chat import views
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
    path("practice/", practice_views.practice, name="practice"),
]
