#!/usr/bin/env bash
# The analyzer's two naming rules, held (docs/architecture.md): every global
# symbol its parts' libraries define is internal, knot__ (knot_ is the public
# API's, which only the runtime defines), and every file under analyzer/ and
# rules/ is named for its part: analyzer/PART/PART.c or PART-CONCEPT.c (.h
# alike), cli/knot.c and cli/cmd-NAME.c, rules/ID.c for a rule of rules.def
# and rules.{c,def}. Prints each breach on a line of its own.
# usage: check-names.sh SOURCE_DIR NM LIBRARY...
set -u
src=$1 nm=$2
shift 2
bad=0
breach() { echo "$*"; bad=1; }

for lib in "$@"; do
    syms=$("$nm" --defined-only -g "$lib") || { breach "$lib: $nm failed"; continue; }
    while read -r _ _ sym; do
        [ -n "$sym" ] || continue
        case $sym in
        knot__* | main) ;;
        *) breach "$(basename "$lib"): global symbol $sym is not knot__" ;;
        esac
    done < <(printf '%s\n' "$syms" | awk 'NF == 3')
done

word='[a-z0-9]+'
concept="$word(-$word)*"
for path in "$src"/analyzer/* "$src"/analyzer/*/* "$src"/rules/*; do
    rel=${path#"$src"/}
    file=${rel##*/}
    case $rel in
    analyzer/CMakeLists.txt | rules/CMakeLists.txt | rules/rules.c | rules/rules.def) continue ;;
    esac
    if [ -d "$path" ]; then
        [[ $rel =~ ^analyzer/$word$ ]] || breach "$rel: not a part's folder"
        continue
    fi
    part=$(basename "$(dirname "$path")")
    if [[ $rel == rules/* ]]; then
        id=${file%.c}
        if ! [[ $file =~ ^$concept\.c$ ]] ||
            ! grep -q "^KNOT_[A-Z]*_RULE([a-z_]*, \"$id\"," "$src/rules/rules.def"; then
            breach "$rel: not ID.c for a rule of rules/rules.def"
        fi
    elif [[ $rel == analyzer/*/* ]]; then
        [[ $file =~ ^$part(-$concept)?\.[ch]$ ]] ||
            { [ "$part" = cli ] && [[ $file =~ ^(knot\.c|cmd-$concept\.c)$ ]]; } ||
            breach "$rel: not $part.c, $part-CONCEPT.c or .h$([ "$part" = cli ] &&
                echo ", knot.c or cmd-NAME.c")"
    else
        breach "$rel: a file outside the parts' folders"
    fi
done
[ $bad = 0 ] && echo "names: every symbol knot__, every file named for its part"
exit $bad
