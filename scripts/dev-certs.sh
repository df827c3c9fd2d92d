#!/usr/bin/env bash
# Development certificates for event-bus TLS: a private CA and member certificates signed by it, in PEM.
#   scripts/dev-certs.sh <dir> [member names...]     default member name: member
# Writes <dir>/ca.crt, <dir>/ca.key and, for each member, <dir>/<name>.crt and <dir>/<name>.key (keys mode 600).
# Each certificate names IP:127.0.0.1 and DNS:localhost, and is valid for 365 days. An existing CA in <dir> is
# reused, so members added later join the same cluster. For development only: keep a real CA's key offline.
set -euo pipefail
if [[ $# -lt 1 || $1 == -* ]]; then
  echo "usage: $0 <dir> [member names...]" >&2
  exit 2
fi
dir=$1
shift
names=("${@:-member}")
mkdir -p "$dir"
umask 077

if [[ ! -f $dir/ca.key || ! -f $dir/ca.crt ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -subj "/CN=GenApi development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2> /dev/null
fi

for name in "${names[@]}"; do
  if [[ ! $name =~ ^[A-Za-z0-9._-]+$ || $name == ca ]]; then
    echo "$0: bad member name '$name' (letters, digits, '.', '_', '-'; not 'ca')" >&2
    exit 2
  fi
  ext=$(mktemp)
  trap 'rm -f "$ext" "$dir/$name.csr"' EXIT
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" > "$ext"
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$name" -keyout "$dir/$name.key" -out "$dir/$name.csr" \
    2> /dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 365 \
    -sha256 -extfile "$ext" -out "$dir/$name.crt" 2> /dev/null
  rm -f "$ext" "$dir/$name.csr"
  trap - EXIT
  echo "$dir/$name.crt $dir/$name.key (CA $dir/ca.crt)"
done
chmod 600 "$dir"/*.key
chmod 644 "$dir"/*.crt
