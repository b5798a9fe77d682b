"""A local Bot Framework token issuer: OpenID metadata and JWKS served from another thread, and signed tokens.

It stands in for login.botframework.com: the adapter is pointed at it through TeamsEndpoints, fetches its
keys, and must accept exactly the tokens the real service would.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from adapters.teams.auth import TeamsEndpoints

ISSUER = "https://api.botframework.com"


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    endorsements: tuple[str, ...] = ("msteams", "webchat")

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return {
            **public,
            "kid": self.kid,
            "use": "sig",
            "kty": "RSA",
            "endorsements": list(self.endorsements),
        }


@dataclass
class LocalIssuer:
    base_url: str = ""
    keys: list[SigningKey] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, User-Agent)

    @property
    def endpoints(self) -> TeamsEndpoints:
        return TeamsEndpoints(
            openid_metadata_url=f"{self.base_url}/v1/.well-known/openidconfiguration",
            emulator_openid_metadata_url=f"{self.base_url}/emulator/.well-known/openid-configuration",
            token_issuer=ISSUER,
            # The bot's own token comes from here too: MSAL refuses a plain-http authority at once, so a test
            # never reaches out to Microsoft's login service.
            login_url=f"{self.base_url}/botframework.com/oauth2/v2.0/token",
        )

    def token(self, key: SigningKey, *, service_url: str, audience: str, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "serviceurl": service_url,
            "nbf": now - 60,
            "exp": now + 3600,
            "iss": ISSUER,
            "aud": audience,
            **claims,
        }
        return jwt.encode(payload, key.private, algorithm="RS256", headers={"kid": key.kid})

    def handler(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.requests.append((self.path, self.headers.get("User-Agent", "")))
                if self.path.endswith("/.well-known/openidconfiguration"):
                    body: Any = {"issuer": ISSUER, "jwks_uri": f"{issuer.base_url}/v1/keys"}
                elif self.path.endswith("/openid-configuration"):
                    body = {
                        "issuer": "https://login.microsoftonline.com/",
                        "jwks_uri": f"{issuer.base_url}/e/keys",
                    }
                elif self.path == "/v1/keys":
                    body = {"keys": [key.jwk() for key in issuer.keys]}
                elif self.path == "/e/keys":
                    body = {"keys": []}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def serve_issuer(keys: list[SigningKey]) -> Iterator[LocalIssuer]:
    issuer = LocalIssuer(keys=keys)
    server = ThreadingHTTPServer(("127.0.0.1", 0), issuer.handler())
    issuer.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="local-issuer", daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
