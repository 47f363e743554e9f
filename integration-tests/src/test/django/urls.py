import hashlib
import json

from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.csrf import csrf_exempt


def form(request):
    if request.method == "POST":
        request.session["name"] = request.POST["name"]
        # The classic: an absolute URL built from what Django believes the scheme is.
        return HttpResponseRedirect(request.build_absolute_uri("/done/"))
    token = get_token(request)
    return HttpResponse(
        '<form method="post" action="/form/">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        '<input name="name"><button>Send</button></form>'
    )


def done(request):
    return HttpResponse("hello " + request.session.get("name", "nobody"))


def meta(request):
    seen = {k: v for k, v in request.META.items() if isinstance(v, str) and (k.startswith("HTTP_") or k == "REMOTE_ADDR")}
    seen["is_secure"] = str(request.is_secure())
    seen["scheme"] = request.scheme
    return HttpResponse(json.dumps(seen, sort_keys=True), content_type="application/json")


@csrf_exempt
def upload(request):
    body = request.body
    return HttpResponse(f"{len(body)} {hashlib.sha256(body).hexdigest()}")


urlpatterns = [
    path("form/", form),
    path("done/", done),
    path("meta/", meta),
    path("upload/", upload),
]
