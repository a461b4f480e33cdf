#!/usr/bin/env bash
# Fashion-MNIST end to end with the caffe tool, from a fresh Debian 12 machine with the .NET 10 SDK:
#   1. installs Debian's dataset-fashion-mnist (the IDX files, ~30 MB) and liblmdb0 if missing (apt, as root or sudo);
#   2. builds the caffe tool (Release);
#   3. converts the training and test sets to LMDB with `caffe convert_mnist_data` (skipped when already there);
#   4. trains with `caffe train` (solver.prototxt), writing the loss/accuracy plot to docs/images/;
#   5. copies the final weights to examples/fashion_mnist/lenet_fashion.caffemodel and scores them with
#      `caffe test` on the 10,000 test images.
# Idempotent: run it again and it only retrains. Logs: examples/fashion_mnist/train.log and test.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

EXAMPLE=examples/fashion_mnist
DATA=/usr/share/datasets/fashion-mnist
PACKAGES=(dataset-fashion-mnist liblmdb0)
PLOT=docs/images/fashion_mnist_training.png
WEIGHTS=$EXAMPLE/lenet_fashion.caffemodel

say() { printf 'fashion_mnist: %s\n' "$*"; }
elapsed() { local s=$(($(date +%s) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# 1. Packages.
is_installed() { [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true) == installed ]]; }
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in "${PACKAGES[@]}"; do is_installed "$pkg" || missing+=("$pkg"); done
elif [[ ! -f $DATA/train-images-idx3-ubyte.gz ]]; then
    say "no dpkg here: put the Fashion-MNIST IDX files (*-idx?-ubyte.gz) in $DATA, or install Debian's dataset-fashion-mnist."
    exit 1
fi
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) -eq 0 ]]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
        say "need ${missing[*]} but not root and no sudo: run 'apt-get install ${missing[*]}' as root, then this script again."
        exit 1
    fi
    say "installing ${missing[*]} with apt (the dataset is a ~30 MB download)"
    if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; then
        say "apt-get install failed; updating the package lists and trying once more"
        "${SUDO[@]}" apt-get update -q
        "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" || {
            say "could not install ${missing[*]} (see apt's message above)."
            exit 1
        }
    fi
fi
say "dataset: $DATA"

# 2. The caffe tool.
command -v dotnet >/dev/null 2>&1 || { say "the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK first."; exit 1; }
say "building the caffe tool (Release)"
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
dotnet build src/Caffe.Net.Cli -c Release -nologo >"$build_log" 2>&1 || { cat "$build_log"; say "the build failed"; exit 1; }
CAFFE=src/Caffe.Net.Cli/bin/Release/net10.0/caffe

# 3. LMDB databases, written to a temporary name first so an interrupted conversion is redone next time.
convert() {
    local images=$1 labels=$2 db=$3
    if [[ -f $db/data.mdb ]]; then
        say "$db already exists; skipping the conversion"
        return
    fi
    rm -rf "$db" "$db.partial"
    say "converting $images to $db"
    "$CAFFE" convert_mnist_data "$DATA/$images" "$DATA/$labels" "$db.partial" 2>&1 | grep -E 'total|Processed' || true
    mv "$db.partial" "$db"
}
convert train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz $EXAMPLE/fashion_train_lmdb
convert t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz $EXAMPLE/fashion_test_lmdb

# 4. Train. On a terminal the tool draws a live progress line and Caffe's log goes to train.log; otherwise the
#    log is shown as it is written.
say "training (log: $EXAMPLE/train.log)"
start=$(date +%s)
if [[ -t 1 ]]; then
    "$CAFFE" train -solver $EXAMPLE/solver.prototxt --plot $PLOT 2> $EXAMPLE/train.log
else
    "$CAFFE" train -solver $EXAMPLE/solver.prototxt --plot $PLOT 2>&1 | tee $EXAMPLE/train.log
fi
train_time=$(elapsed "$start")
grep -E 'Testing net|Test net output' $EXAMPLE/train.log | tail -3 | sed 's/^[^ ]* [^ ]* /  /'
say "training took $train_time; plot: $PLOT"

# 5. The final snapshot becomes the shipped weights, scored on all 10,000 test images (100 batches of 100).
max_iter=$(sed -n 's/^max_iter: *\([0-9]*\).*/\1/p' $EXAMPLE/solver.prototxt)
cp $EXAMPLE/lenet_fashion_iter_"$max_iter".caffemodel "$WEIGHTS"
say "testing $WEIGHTS (log: $EXAMPLE/test.log)"
start=$(date +%s)
"$CAFFE" test -model $EXAMPLE/train_test.prototxt -weights "$WEIGHTS" -iterations 100 2> $EXAMPLE/test.log
tail -3 $EXAMPLE/test.log | sed 's/^[^ ]* [^ ]* /  /'
say "testing took $(elapsed "$start")"
