# Helpers for the console tests: the real `gas console` in tmux (its own server per test
# script, as tmux's regress/ does), against the embedded backend in a private data dir.
#   console NAME W H [ENV=...] [-- ARGS]   start gas console in session NAME
#   press NAME VIEW KEY...                 press bound keys (VIEW: the view they are meant
#                                          for; test_console_bindings.sh checks that every
#                                          binding is pressed by some test in its view)
#   typing NAME TEXT                       type text into a prompt (the filter)
#   answer NAME y|n                        answer a y/n question
#   wait_screen PATTERN [NAME] [SECONDS]   until the screen shows PATTERN (ERE)
#   screen [NAME], screen_e [NAME]         the screen, without / with attributes
. "$(dirname "${BASH_SOURCE[0]}")/../system/pipeline_lib.sh"
cd "$WORK" || exit 2
TM="tmux -L gas-${SUITE:-console}-$$"
trap 'stop_gasd; $TM kill-server 2>/dev/null; rm -rf "$WORK"' EXIT

screen() { $TM capture-pane -p -t "${1:-c}"; }
screen_e() { $TM capture-pane -e -p -t "${1:-c}"; }
press() { local s=$1; shift 2; $TM send-keys -t "$s" "$@"; }
typing() { $TM send-keys -t "$1" -l "$2"; }
answer() { $TM send-keys -t "$1" "$2"; }
wait_screen() { # wait_screen PATTERN [SESSION] [SECONDS]
  local i limit=$(( ${3:-10} * 10 * T ))
  for ((i = 0; i < limit; i++)); do
    screen "${2:-c}" | grep -qE -- "$1" && return 0
    sleep 0.1
  done
  echo "    screen never showed /$1/:"; screen "${2:-c}" | sed 's/^/    | /'; return 1
}
wait_gone() { # wait_gone PATTERN [SESSION] [SECONDS]: until the screen no longer shows it
  local i limit=$(( ${3:-10} * 10 * T ))
  for ((i = 0; i < limit; i++)); do
    screen "${2:-c}" | grep -qE -- "$1" || return 0
    sleep 0.1
  done
  echo "    screen still shows /$1/:"; screen "${2:-c}" | sed 's/^/    | /'; return 1
}
console() { # console SESSION WIDTH HEIGHT [ENV=... ] [-- ARGS]
  local s=$1 w=$2 h=$3; shift 3
  local envs=() args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift && args=("$@")
  local try
  for try in 1 2 3 4 5; do # a busy machine can make a new tmux server fail to start
    $TM new-session -d -s "$s" -x "$w" -y "$h" \
      "env GAS_CONSOLE_REFRESH=1 TERM=xterm-256color ${envs[*]} gas console ${args[*]}; sleep 600" &&
      break
    sleep 0.5
  done
  wait_screen '^GAS \[' "$s" 15
}
# wait_redraws N [SESSION]: until the screen has changed N times (a view showing ages,
# such as a job's detail, changes at every refresh); 1 if not within 10 s per change
wait_redraws() {
  local n=$1 s=${2:-c} seen=0 was now i
  was=$(screen "$s")
  for ((i = 0; i < 100 * n * T && seen < n; i++)); do
    now=$(screen "$s")
    [ "$now" != "$was" ] && seen=$((seen + 1)) && was=$now
    sleep 0.1
  done
  [ "$seen" -ge "$n" ] || { echo "    the screen did not change $n times"; return 1; }
}
# sort_by VIEW TITLE [SESSION]: > until the list says it is sorted by TITLE (at most 9
# columns; each press waits for the sort line to change)
sort_by() {
  local i was
  for ((i = 0; i < 9; i++)); do
    was=$(screen "${3:-c}" | grep -oE 'sort: [A-Z ]+ (asc|desc)')
    grep -qE "sort: $2 (asc|desc)" <<<"$was" && return 0
    press "${3:-c}" "$1" '>'
    for _ in $(seq 1 $((20 * T))); do
      [ "$(screen "${3:-c}" | grep -oE 'sort: [A-Z ]+ (asc|desc)')" != "$was" ] && break
      sleep 0.1
    done
  done
  screen "${3:-c}" | grep -qE "sort: $2 (asc|desc)"
}
# the line of the list cursor: the one drawn in reverse video
cursor_line() { screen_e "${1:-c}" | tail -n +3 | grep -E $'\e\\[([0-9;]*;)?7(;[0-9;]*)?m' | head -1 |
  sed -E $'s/\e\\[[0-9;]*m//g'; }
# the job id (short form) under the cursor
cursor_job() { cursor_line "$1" | awk '{print $1}'; }
# the full id of the job whose id starts with $1
full_id() { gas jobs | awk -v p="$1" 'index($1, p) == 1 {print $1}'; }
status_of() { field "$1" job_status; }
# has_underlined TEXT [SESSION]: TEXT is drawn underlined (a highlighted match)
has_underlined() { screen_e "${2:-c}" | grep -qP '\e\[([0-9;]*;)?4(;[0-9;]*)?m(\e\[[0-9;]*m)*'"$1"; }
# cursor_has PATTERN [SESSION]: the cursor line matches
cursor_has() { cursor_line "${2:-c}" | grep -qE -- "$1"; }
# drawn_with SGR TEXT [SESSION]: TEXT is drawn right after an SGR sequence whose
# parameters match the PCRE SGR (e.g. '31' red, '([0-9;]*;)?41(;[0-9;]*)?' red background)
drawn_with() { screen_e "${3:-c}" | grep -qP '\e\['"$1"'m(\e\[[0-9;]*m)*'"$2"; }
# wait_for CMD...: until the command succeeds (10 s); for what one capture cannot show
wait_for() {
  local i
  for ((i = 0; i < 100 * T; i++)); do "$@" && return 0; sleep 0.1; done
  return 1
}
# the list's lines: under the header (line 1), the alert line and the column titles (line 3)
# list_row N [SESSION]: the list's Nth line as shown
list_row() { screen "${2:-c}" | sed -n "$(($1 + 3))p"; }
# cursor_at N [SESSION]: the cursor is drawn on the list's Nth line
cursor_at() {
  [ "$(screen_e "${2:-c}" | tail -n +4 | grep -nE $'\e\\[([0-9;]*;)?7(;[0-9;]*)?m' | head -1 |
    cut -d: -f1)" = "$1" ]
}
