from .vectors import vectors


def test_vectors_file_is_present_with_every_kind() -> None:
    data = vectors()
    for kind in ("policy", "vouchers", "receipts", "credentials", "hmac", "webhooks"):
        assert data[kind], f"no {kind} vectors"
