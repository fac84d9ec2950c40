"""The AWS fixture really reaches the local moto server, never AWS."""

from __future__ import annotations

import boto3


def test_boto3_reaches_moto_server(aws_env: str) -> None:
    sts = boto3.client("sts")
    assert sts.meta.endpoint_url == aws_env
    identity = sts.get_caller_identity()
    assert identity["Account"] == "123456789012"  # moto's default account id
