"""Translates a SAM template to CloudFormation with AWS's own samtranslator (installed with cfn-lint).

cfn-lint approximates SAM (an Api without DefinitionBody gets a fake DefinitionUri, so it rejects
GatewayResponses that SAM itself accepts); the tests lint SAM's real output instead.
Usage: sam-translate.py <template.json>  (intrinsics in long form) -> CloudFormation JSON on stdout.
"""
import json
import os
import sys

from samtranslator.translator.transform import transform

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


class ManagedPolicies:
    def load(self):
        return {
            "AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "AWSLambdaRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaRole",
        }


with open(sys.argv[1]) as handle:
    template = json.load(handle)
json.dump(transform(template, {}, ManagedPolicies()), sys.stdout, indent=2)
