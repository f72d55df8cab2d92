"""A software security key for tests: registers and signs WebAuthn ceremonies as a browser
with a real key would, using fido2's data classes and a P-256 key from `cryptography`."""

from __future__ import annotations

import hashlib
import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

ORIGIN = "http://testserver"


def _public_key(options: dict) -> dict:
    return options.get("publicKey", options)


class SoftwareKey:
    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.counter = 0

    def _flags(self, attested: bool = False) -> AuthenticatorData.FLAG:
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV
        return flags | AuthenticatorData.FLAG.AT if attested else flags

    def register(self, creation_options: dict) -> str:
        """The credential JSON the browser posts after navigator.credentials.create()."""
        options = _public_key(creation_options)
        rp_id = options["rp"]["id"]
        credential = AttestedCredentialData.create(
            b"\0" * 16, self.credential_id, ES256.from_cryptography_key(self.key.public_key())
        )
        auth_data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(), self._flags(True), self.counter, credential
        )
        client_data = CollectedClientData.create(
            type=CollectedClientData.TYPE.CREATE,
            challenge=websafe_decode(options["challenge"]),
            origin=ORIGIN,
        )
        attestation = AttestationObject.create("none", auth_data, {})
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": websafe_encode(client_data),
                    "attestationObject": websafe_encode(attestation),
                },
                "clientExtensionResults": {},
            }
        )

    def sign(self, request_options: dict, rp_id: str = "testserver") -> str:
        """The credential JSON the browser posts after navigator.credentials.get()."""
        options = _public_key(request_options)
        self.counter += 1
        auth_data = AuthenticatorData.create(
            hashlib.sha256(options.get("rpId", rp_id).encode()).digest(),
            self._flags(),
            self.counter,
        )
        client_data = CollectedClientData.create(
            type=CollectedClientData.TYPE.GET,
            challenge=websafe_decode(options["challenge"]),
            origin=ORIGIN,
        )
        signature = self.key.sign(bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": websafe_encode(client_data),
                    "authenticatorData": websafe_encode(auth_data),
                    "signature": websafe_encode(signature),
                    "userHandle": None,
                },
                "clientExtensionResults": {},
            }
        )
