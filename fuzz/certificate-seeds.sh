#!/usr/bin/env bash
# Writes the `certificate` target's seeds into DIR, built from the test fixtures at run
# time, so that no private key is committed outside tests/fixtures/:
#   fuzz/certificate-seeds.sh DIR
# Each seed is a certificate PEM, a line `%%`, then a key PEM (see fuzz/README.md).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: fuzz/certificate-seeds.sh DIR" >&2; exit 2; }
out=$1
fixtures=$(cd "$(dirname "$0")/../tests/fixtures" && pwd)
cert=$fixtures/cert-client.pem
mkdir -p "$out"
pair() { { cat "$1"; echo '%%'; cat "$2"; } >"$out/$3"; }

pair "$cert" "$fixtures/cert-client.key" matching-pair
pair "$cert" "$fixtures/other.key" mismatched
cat "$cert" "$fixtures/cert-client.key" >"$out/one-file"
# Other key encodings of the same material, made here and never kept: PKCS#1, and a
# throwaway EC key.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if command -v openssl >/dev/null; then
    openssl rsa -in "$fixtures/cert-client.key" -traditional -out "$tmp/pkcs1.key" 2>/dev/null &&
        pair "$cert" "$tmp/pkcs1.key" pkcs1-key
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ec.key" 2>/dev/null &&
        pair "$cert" "$tmp/ec.key" ec-key
fi
# Truncated DER inside both armours.
printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n%%%%\n-----BEGIN %s-----\nMIIB\n-----END %s-----\n' \
    "PRIVATE KEY" "PRIVATE KEY" >"$out/truncated-der"
