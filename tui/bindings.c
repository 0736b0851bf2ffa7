/* bindings: the console's one table of keys (tmux's cmd table). Dispatch, the `?` help,
 * the hint bar and `gas console --list-bindings` (which the tmux tests compare with the
 * keys they press) all read it, so a key that is here works and one that is not cannot
 * appear anywhere. Entries with the same action, views and help are one help line. */
#include "console.h"

#include "gas/util.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTRL(c) ((c)&0x1f)
#define DV      VB(V_DETAIL)
#define HV      VB(V_HELP)

const struct binding ui_bindings[] = {
    {'q', "q", "q", V_TOP, ACT_QUIT, "quit", "quit"},
    {'?', "?", "?", V_TOP | DV, ACT_HELP, "all keys", "help"},
    {27, "Escape", "Esc", DV | HV, ACT_BACK, "back", "back"},
    {'q', "q", "q", DV | HV, ACT_BACK, "back", NULL},
    {'1', "1", "1", V_ANY, ACT_VIEW1, "views: overview, jobs, users, dead letters, workers", NULL},
    {'2', "2", "2", V_ANY, ACT_VIEW2, "views: overview, jobs, users, dead letters, workers", NULL},
    {'3', "3", "3", V_ANY, ACT_VIEW3, "views: overview, jobs, users, dead letters, workers", NULL},
    {'4', "4", "4", V_ANY, ACT_VIEW4, "views: overview, jobs, users, dead letters, workers", NULL},
    {'5', "5", "5", V_ANY, ACT_VIEW5, "views: overview, jobs, users, dead letters, workers", NULL},
    {'\t', "Tab", "Tab", V_ANY, ACT_NEXT_VIEW, "next view", NULL},
    {KEY_BTAB, "BTab", "S-Tab", V_ANY, ACT_PREV_VIEW, "previous view", NULL},
    {'\n', "Enter", "Enter", VB(V_JOBS), ACT_OPEN, "the job's details", "details"},
    {'\n', "Enter", "Enter", VB(V_USERS), ACT_OPEN, "the user's jobs", "jobs"},
    {'r', "r", "r", VB(V_JOBS) | DV, ACT_RETRY, "retry the job(s) (FAILED or PENDING)", "retry"},
    {'c', "c", "c", VB(V_JOBS) | DV, ACT_CANCEL, "cancel the job(s) (PENDING)", "cancel"},
    {'u', "u", "u", VB(V_JOBS) | VB(V_USERS) | DV, ACT_UPGRADE,
     "upgrade the user (restores archives)", "upgrade"},
    {'d', "d", "d", VB(V_USERS), ACT_DOWNGRADE, "downgrade the user to free", "downgrade"},
    {'r', "r", "r", VB(V_DEAD), ACT_REDRIVE, "redrive the dead letter(s)", "redrive"},
    {'A', "A", "A", VB(V_DEAD), ACT_REDRIVE_ALL,
     "redrive every dead letter (every one the filter shows)", "redrive all"},
    {'d', "d", "d", VB(V_DEAD), ACT_DELETE_DEAD, "delete the dead letter(s) for good", "delete"},
    {'l', "l", "l", DV, ACT_LOG, "whole count log (following) / summary", "log"},
    {'y', "y", "y", DV, ACT_YANK, "copy the job id (OSC 52)", "copy id"},
    {' ', "Space", "Space", VB(V_JOBS) | VB(V_DEAD), ACT_MARK, "mark / unmark the row", "mark"},
    {'/', "/", "/", V_LISTS, ACT_FILTER, "filter (smartcase; Enter keeps, Esc clears)", "filter"},
    {'/', "/", "/", VB(V_OVERVIEW), ACT_FILTER, "filter the jobs (to the jobs view)", NULL},
    {'/', "/", "/", DV, ACT_FILTER, "search the text (as less: smartcase, Enter keeps)", "search"},
    {'n', "n", "n", V_LISTS, ACT_MATCH_NEXT, "next row matching the (last) filter", NULL},
    {'N', "N", "N", V_LISTS, ACT_MATCH_PREV, "previous row matching the (last) filter", NULL},
    {'n', "n", "n", DV, ACT_MATCH_NEXT, "next line with the (last) search", NULL},
    {'N', "N", "N", DV, ACT_MATCH_PREV, "previous line with the (last) search", NULL},
    {27, "Escape", "Esc", V_LISTS, ACT_ESCAPE, "clear the filter, then the marks", NULL},
    {'>', ">", ">", V_LISTS, ACT_SORT_NEXT, "sort by the next column", "sort"},
    {KEY_F(6), "F6", "F6", V_LISTS, ACT_SORT_NEXT, "sort by the next column", NULL},
    {'<', "<", "<", V_LISTS, ACT_SORT_PREV, "sort by the previous column", NULL},
    {'s', "s", "s", V_LISTS, ACT_SORT_FLIP, "flip the sort order", "flip"},
    {'j', "j", "j", V_SCROLLS, ACT_DOWN, "down one line", NULL},
    {KEY_DOWN, "Down", "Down", V_SCROLLS, ACT_DOWN, "down one line", NULL},
    {'k', "k", "k", V_SCROLLS, ACT_UP, "up one line", NULL},
    {KEY_UP, "Up", "Up", V_SCROLLS, ACT_UP, "up one line", NULL},
    {'g', "g", "g", V_SCROLLS, ACT_TOP, "first line", NULL},
    {KEY_HOME, "Home", "Home", V_SCROLLS, ACT_TOP, "first line", NULL},
    {'G', "G", "G", V_SCROLLS, ACT_BOTTOM, "last line", NULL},
    {KEY_END, "End", "End", V_SCROLLS, ACT_BOTTOM, "last line", NULL},
    {KEY_NPAGE, "NPage", "PgDn", V_SCROLLS, ACT_PAGE_DOWN, "page down", NULL},
    {KEY_PPAGE, "PPage", "PgUp", V_SCROLLS, ACT_PAGE_UP, "page up", NULL},
    {CTRL('d'), "C-d", "^d", V_SCROLLS, ACT_HALF_DOWN, "half a page down", NULL},
    {CTRL('u'), "C-u", "^u", V_SCROLLS, ACT_HALF_UP, "half a page up", NULL},
    {'p', "p", "p", V_ANY, ACT_PAUSE, "pause / resume the refresh", NULL},
    {KEY_F(5), "F5", "F5", V_ANY, ACT_REFRESH, "refresh now", NULL},
    {'x', "x", "x", V_ANY, ACT_ACK, "acknowledge the alerts and the note (until they change)",
     "ack"}, /* hinted while there is one to acknowledge */
};
const int ui_nbindings = (int)(sizeof ui_bindings / sizeof *ui_bindings);

static const char *action_names[ACT_COUNT] = {
    "none",       "view-1",  "view-2",      "view-3",      "view-4",    "view-5",    "next-view",
    "prev-view",  "down",    "up",          "top",         "bottom",    "page-down", "page-up",
    "half-down",  "half-up", "sort-next",   "sort-prev",   "sort-flip", "filter",    "match-next",
    "match-prev", "escape",  "mark",        "open",        "retry",     "cancel",    "upgrade",
    "downgrade",  "redrive", "redrive-all", "delete-dead", "log",       "yank",      "back",
    "pause",      "refresh", "ack",         "help",        "quit",
};

static const char *view_names[V_COUNT] = {"Overview", "Jobs",       "Users", "Dead letters",
                                          "Workers",  "Job detail", "Help"};

const char *ui_action_name(enum action a)
{
    return a < ACT_COUNT && action_names[a] ? action_names[a] : "?";
}

const char *ui_view_name(enum view v)
{
    return v < V_COUNT ? view_names[v] : "?";
}

const struct binding *ui_binding(int key, enum view v)
{
    if (key == '\r' || key == KEY_ENTER)
        key = '\n';
    for (int i = 0; i < ui_nbindings; i++)
        if (ui_bindings[i].key == key && (ui_bindings[i].views & VB(v)))
            return &ui_bindings[i];
    return NULL;
}

static void views_text(unsigned views, char *buf, size_t n)
{
    buf[0] = 0;
    if ((views & V_ANY) == V_ANY) {
        snprintf(buf, n, "everywhere");
        return;
    }
    if ((views & V_TOP) == V_TOP) {
        snprintf(buf, n, "every view");
        views &= ~V_TOP;
    } else if ((views & V_LISTS) == V_LISTS) {
        snprintf(buf, n, "lists");
        views &= ~V_LISTS;
    }
    for (int v = 0; v < V_COUNT; v++)
        if (views & VB(v))
            snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? ", " : "", view_names[v]);
}

static int same_line(const struct binding *a, const struct binding *b)
{
    return a->views == b->views && !strcmp(a->help, b->help);
}

int ui_help_lines(char ***out)
{
    char **lines = xcalloc((size_t)ui_nbindings + 1, sizeof *lines);
    int n = 0;
    for (int i = 0; i < ui_nbindings;) {
        char keys[64] = "", where[96];
        int j = i;
        for (; j < ui_nbindings && same_line(&ui_bindings[i], &ui_bindings[j]); j++)
            snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", j > i ? " " : "",
                     ui_bindings[j].label);
        views_text(ui_bindings[i].views, where, sizeof where);
        lines[n++] = xasprintf("%-11s %s  [%s]", keys, ui_bindings[i].help, where);
        i = j;
    }
    *out = lines;
    return n;
}

int ui_is_change(enum action a)
{
    return a == ACT_RETRY || a == ACT_CANCEL || a == ACT_UPGRADE || a == ACT_DOWNGRADE ||
           a == ACT_REDRIVE || a == ACT_REDRIVE_ALL || a == ACT_DELETE_DEAD;
}

void ui_hint(enum view v, int read_only, uint64_t refused, int width, char *buf, size_t n)
{
    buf[0] = 0;
    if ((size_t)width >= n)
        width = (int)n - 1;
    /* the words that fit, in the table's order (? lists them all); x (offered only while
     * there is an alert or a note to acknowledge) third, after q and ?, where it fits */
    int shown = 0, ack = -1;
    for (int i = 0; i < ui_nbindings; i++)
        if (ui_bindings[i].action == ACT_ACK && ui_bindings[i].hint &&
            !(refused & ACT_BIT(ACT_ACK)))
            ack = i;
    for (int i = 0; i < ui_nbindings; i++) {
        const struct binding *b = &ui_bindings[i];
        if (b->action == ACT_ACK)
            continue;
        if (!b->hint || !(b->views & VB(v)) ||
            (read_only && (ui_is_change(b->action) || b->action == ACT_MARK)) ||
            (refused & ACT_BIT(b->action)))
            continue;
        for (int k = 0; k < 2; k++) { /* k 1: x after the second */
            const struct binding *h = k ? &ui_bindings[ack] : b;
            if (k && (shown != 2 || ack < 0))
                break;
            size_t len = strlen(buf), add = (len ? 2 : 0) + strlen(h->label) + 1 + strlen(h->hint);
            if (len + add <= (size_t)width) {
                snprintf(buf + len, n - len, "%s%s %s", len ? "  " : "", h->label, h->hint);
                shown++;
            }
        }
    }
    size_t len = strlen(buf);
    if (v != V_DETAIL && v != V_HELP && len + 11 <= (size_t)width)
        snprintf(buf + len, n - len, "  1-5 views");
}

void ui_list_bindings(void)
{
    static const char *short_names[V_COUNT] = {"overview", "jobs",   "users", "dead",
                                               "workers",  "detail", "help"};
    for (int i = 0; i < ui_nbindings; i++) {
        const struct binding *b = &ui_bindings[i];
        char views[160] = "";
        for (int v = 0; v < V_COUNT; v++)
            if (b->views & VB(v))
                snprintf(views + strlen(views), sizeof views - strlen(views), "%s%s",
                         views[0] ? "," : "", short_names[v]);
        printf("%s\t%s\t%s\t%s\n", b->name, views, ui_action_name(b->action), b->help);
    }
}
