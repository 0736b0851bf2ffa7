/* ui_list: the list behind every list view (jobs, users, dead letters, workers).
 *
 * The order (rows that pass the filter, sorted) is cached and rebuilt only when the
 * model's rows, the filter or the sort change. The cursor is an index into the order plus
 * the key of its row: a motion moves both at once, and a new order puts the cursor back on
 * the row with that key (where it is still listed), so the cursor follows its row across
 * refreshes and stays where the admin moved it. */
#include "console.h"

#include "gas/util.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void list_init(struct ui_list *l, const struct list_type *t)
{
    memset(l, 0, sizeof *l);
    l->type = t;
    l->sort = t->default_sort;
    l->desc = t->default_desc;
}

void list_release(struct ui_list *l)
{
    free(l->order);
    list_clear_marks(l);
    free(l->marks);
    memset(l, 0, sizeof *l);
}

static int shown(const struct column *col)
{
    return COLS >= col->min_cols && (!col->max_cols || COLS <= col->max_cols);
}

/* Column c is shown and starts on the screen (at 50 columns the users' RESTORING, shown at
 * any width, starts past the edge). */
static int on_screen(const struct list_type *t, int c)
{
    int x = 2;
    for (int i = 0; i < c; i++)
        if (shown(&t->cols[i]))
            x += t->cols[i].width + 1;
    return shown(&t->cols[c]) && x < COLS;
}

struct sort_ctx {
    const struct ui_list *l;
    const struct model *m;
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
    const struct sort_ctx *x = arg;
    const struct list_type *t = x->l->type;
    int ra = *(const int *)a, rb = *(const int *)b;
    int r = t->cols[x->l->sort].cmp(x->m, ra, rb);
    if (!r)
        r = strcmp(t->key(x->m, ra), t->key(x->m, rb));
    return x->l->desc ? -r : r;
}

/* A column's whole text against a filter's value (smartcase): equal; or, for a value
 * ending in '*', starting with the rest; or, for a value with "..", starting with what
 * comes before and ending with what comes after (a long id as the screen shows it,
 * "7f3c2a1..a0b"). */
static int value_matches(const char *cell, const char *v)
{
    int has_upper = 0;
    for (const char *p = v; *p; p++)
        has_upper |= isupper((unsigned char)*p);
    int (*ncmp)(const char *, const char *, size_t) = has_upper ? strncmp : strncasecmp;
    size_t cl = strlen(cell), vl = strlen(v);
    const char *dots = strstr(v, "..");
    if (dots) {
        size_t hl = (size_t)(dots - v), tl = vl - hl - 2;
        return cl >= hl + tl && !ncmp(cell, v, hl) && !ncmp(cell + cl - tl, dots + 2, tl);
    }
    if (vl && v[vl - 1] == '*')
        return !ncmp(cell, v, vl - 1);
    return cl == vl && !ncmp(cell, v, vl);
}

/* Whether name (n bytes, as typed before a filter's '=') names a column titled title: any
 * case, spaces and underscores left out ("job_status", "jobstatus" and "JOB STATUS"), or
 * the title's last word ("status" for JOB STATUS). */
static int names_column(const char *title, const char *name, size_t n)
{
    char a[64], b[64];
    size_t i = 0, j = 0;
    for (const char *t = title; *t && i + 1 < sizeof a; t++)
        if (*t != ' ' && *t != '_')
            a[i++] = (char)tolower((unsigned char)*t);
    for (size_t k = 0; k < n && j + 1 < sizeof b; k++)
        if (name[k] != ' ' && name[k] != '_')
            b[j++] = (char)tolower((unsigned char)name[k]);
    a[i] = b[j] = 0;
    if (j && !strcmp(a, b))
        return 1;
    const char *last = strrchr(title, ' ');
    return last && strlen(last + 1) == n && !strncasecmp(last + 1, name, n);
}

int list_unknown_column(const struct list_type *t, const char *filter, char *cols, size_t n)
{
    size_t nl = strcspn(filter, "=");
    if (!filter[nl] || !nl)
        return 0;
    for (size_t i = 0; i < nl; i++) /* "x=y" of another form (a URL, a key=value body) */
        if (!isalnum((unsigned char)filter[i]) && filter[i] != '_' && filter[i] != ' ')
            return 0;
    size_t used = 0;
    cols[0] = 0;
    for (int c = 0; c < t->ncols; c++) {
        if (names_column(t->cols[c].title, filter, nl))
            return 0;
        if (c > 0 && t->cols[c].cmp == t->cols[c - 1].cmp)
            continue; /* the short and long form of one column */
        int w = snprintf(cols + used, n - used, "%s%s", used ? ", " : "", t->cols[c].title);
        if (w > 0 && (size_t)w < n - used)
            used += (size_t)w;
    }
    for (char *p = cols; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return 1;
}

/* "column=value" (a column's title, any case, as names_column takes it): rows whose
 * column is value, whole (smartcase), or as value_matches allows; -1 when text is not of
 * that form. */
static int column_equals(const struct ui_list *l, const struct model *m, int row, const char *text)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text)
        return -1;
    char cell[UI_CELL];
    for (int c = 0; c < l->type->ncols; c++) {
        const char *title = l->type->cols[c].title;
        if (!names_column(title, text, (size_t)(eq - text)))
            continue;
        l->type->cell(m, row, c, m->snap.taken, cell, sizeof cell);
        int r = value_matches(cell, eq + 1);
        if (r || strcasecmp(title, "STATUS"))
            return r;
        /* status=archived: the archive state too, as gas jobs --status takes either */
        for (int a = 0; a < l->type->ncols; a++)
            if (!strcasecmp(l->type->cols[a].title, "ARCHIVE")) {
                l->type->cell(m, row, a, m->snap.taken, cell, sizeof cell);
                return value_matches(cell, eq + 1);
            }
        return 0;
    }
    return -1;
}

int list_row_matches(const struct ui_list *l, const struct model *m, int row, const char *text)
{
    char cell[UI_CELL];
    int eq = column_equals(l, m, row, text);
    if (eq >= 0)
        return eq;
    for (int c = 0; c < l->type->ncols; c++) {
        if (c > 0 && l->type->cols[c].cmp == l->type->cols[c - 1].cmp)
            continue; /* the short and long form of one column */
        l->type->cell(m, row, c, m->snap.taken, cell, sizeof cell);
        if (ui_match(cell, text))
            return 1;
    }
    const char *x;
    for (int i = 0; l->type->extra && (x = l->type->extra(m, row, i)) != NULL; i++)
        if (ui_match(x, text))
            return 1;
    return 0;
}

/* refilter: the filter is new (its first match gets the cursor when the row under the
 * cursor does not match); otherwise a row that left the list (a cancelled job under a
 * PENDING filter) leaves the cursor where it was, on the row that took its place. A
 * pinned cursor (g, G) stays on the first or last row, whatever row is there now. */
static void place_cursor(struct ui_list *l, const struct model *m, int refilter)
{
    if (l->pin == PIN_TOP)
        l->cur = 0;
    else if (l->pin == PIN_BOTTOM)
        l->cur = l->n - 1;
    if (l->pin) /* the row under it is the one its key names from now on */
        l->cur_key[0] = 0;
    int found = -1;
    for (int i = 0; i < l->n && l->cur_key[0]; i++)
        if (!strcmp(l->type->key(m, l->order[i]), l->cur_key)) {
            found = i;
            break;
        }
    if (found >= 0)
        l->cur = found;
    else if (l->filter[0] && refilter) /* the row under the cursor was filtered out */
        l->cur = 0;
    if (l->cur >= l->n)
        l->cur = l->n - 1;
    if (l->cur < 0)
        l->cur = 0;
    if (l->n)
        snprintf(l->cur_key, sizeof l->cur_key, "%s", l->type->key(m, l->order[l->cur]));
}

/* The rows changed since the order was built are taken out and put back in their sorted
 * places (binary search): a few changes among 100,000 rows cost far less than a sort. */
static void patch_order(struct ui_list *l, const struct model *m, const int *changed, int nchanged)
{
    int total = l->type->count(m);
    char *dirty = xcalloc((size_t)total + 1, 1);
    for (int i = 0; i < nchanged; i++)
        if (changed[i] >= 0 && changed[i] < total)
            dirty[changed[i]] = 1;
    int w = 0;
    for (int i = 0; i < l->n; i++)
        if (!dirty[l->order[i]])
            l->order[w++] = l->order[i];
    l->n = w;
    struct sort_ctx x = {l, m};
    for (int row = 0; row < total; row++) {
        if (!dirty[row] || (l->filter[0] && !list_row_matches(l, m, row, l->filter)))
            continue;
        int lo = 0, hi = l->n;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (cmp_rows(&l->order[mid], &row, &x) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(l->order + lo + 1, l->order + lo, (size_t)(l->n - lo) * sizeof *l->order);
        l->order[lo] = row;
        l->n++;
    }
    free(dirty);
}

void list_sync(struct ui_list *l, const struct model *m, const struct list_changes *ch)
{
    unsigned version = ch ? ch->version : 0;
    int same_view = l->order && l->sort == l->order_sort && l->desc == l->order_desc &&
                    !strcmp(l->filter, l->order_filter);
    int refilter = !l->order || strcmp(l->filter, l->order_filter) != 0;
    if (version && same_view && version == l->order_version) {
        place_cursor(l, m, 0);
        return;
    }
    double t0 = gas_mono();
    int total = l->type->count(m);
    if (total + 1 > l->cap) {
        l->cap = total + 1;
        l->order = xrealloc(l->order, (size_t)l->cap * sizeof *l->order);
    }
    if (version && same_view && ch->base && ch->base == l->order_version) {
        patch_order(l, m, ch->changed, ch->nchanged);
    } else if (version && version == l->order_version && l->order && l->sort == l->order_sort &&
               !strcmp(l->filter, l->order_filter)) { /* only flipped: the order reversed */
        for (int i = 0, j = l->n - 1; i < j; i++, j--) {
            int t = l->order[i];
            l->order[i] = l->order[j];
            l->order[j] = t;
        }
    } else if (version && version == l->order_version && l->order &&
               !strcmp(l->filter, l->order_filter)) { /* only the sort changed */
        struct sort_ctx x = {l, m};
        qsort_r(l->order, (size_t)l->n, sizeof *l->order, cmp_rows, &x);
    } else {
        l->n = 0;
        for (int i = 0; i < total; i++)
            if (!l->filter[0] || list_row_matches(l, m, i, l->filter))
                l->order[l->n++] = i;
        struct sort_ctx x = {l, m};
        qsort_r(l->order, (size_t)l->n, sizeof *l->order, cmp_rows, &x);
    }
    if (!same_view) {    /* sorted or filtered anew: the cursor follows its row (g then s: */
        l->reanchor = 1; /* the same job, at the bottom), the rows above it are shown */
        l->pin = 0;
    }
    l->order_version = version;
    l->order_sort = l->sort;
    l->order_desc = l->desc;
    snprintf(l->order_filter, sizeof l->order_filter, "%s", l->filter);
    place_cursor(l, m, refilter);
    l->sort_ms = (gas_mono() - t0) * 1000;
}

int list_current(const struct ui_list *l)
{
    return l->n && l->cur >= 0 && l->cur < l->n ? l->order[l->cur] : -1;
}

static void move_to(struct ui_list *l, const struct model *m, int to)
{
    l->pin = 0; /* moved: it follows its row */
    l->cur = to >= l->n ? l->n - 1 : to < 0 ? 0 : to;
    if (l->n)
        snprintf(l->cur_key, sizeof l->cur_key, "%s", l->type->key(m, l->order[l->cur]));
}

int list_motion(struct ui_list *l, const struct model *m, enum action a, int page)
{
    int to = l->cur, half = page / 2 > 1 ? page / 2 : 1;
    switch (a) {
    case ACT_DOWN: to++; break;
    case ACT_UP: to--; break;
    case ACT_TOP: to = 0; break;
    case ACT_BOTTOM: to = l->n - 1; break;
    case ACT_PAGE_DOWN: to += page; break;
    case ACT_PAGE_UP: to -= page; break;
    case ACT_HALF_DOWN: to += half; break;
    case ACT_HALF_UP: to -= half; break;
    default: return K_IGNORED;
    }
    move_to(l, m, to);
    l->pin = a == ACT_TOP ? PIN_TOP : a == ACT_BOTTOM ? PIN_BOTTOM : 0;
    return K_HANDLED | K_REDRAW;
}

int list_sort_key(struct ui_list *l, enum action a)
{
    const struct list_type *t = l->type;
    if (a == ACT_SORT_FLIP) {
        l->desc = !l->desc;
        return K_HANDLED | K_REDRAW;
    }
    int step = a == ACT_SORT_NEXT ? 1 : -1, s = l->sort;
    for (int i = 0; i < t->ncols; i++) { /* the next column that is on the screen */
        s = (s + step + t->ncols) % t->ncols;
        if (on_screen(t, s) && t->cols[s].cmp != t->cols[l->sort].cmp)
            break;
    }
    l->sort = s;
    return K_HANDLED | K_REDRAW;
}

int list_marked(const struct ui_list *l, const char *key)
{
    for (int i = 0; i < l->nmarks; i++)
        if (!strcmp(l->marks[i], key))
            return 1;
    return 0;
}

int list_mark(struct ui_list *l, const struct model *m)
{
    int row = list_current(l);
    if (row < 0)
        return K_HANDLED;
    const char *key = l->type->key(m, row);
    for (int i = 0; i < l->nmarks; i++)
        if (!strcmp(l->marks[i], key)) {
            free(l->marks[i]);
            l->marks[i] = l->marks[--l->nmarks];
            return K_HANDLED | K_REDRAW;
        }
    l->marks = xrealloc(l->marks, (size_t)(l->nmarks + 1) * sizeof *l->marks);
    l->marks[l->nmarks++] = xstrdup(key);
    move_to(l, m, l->cur + 1); /* as in mutt and ranger: mark and go on */
    return K_HANDLED | K_REDRAW;
}

void list_clear_marks(struct ui_list *l)
{
    for (int i = 0; i < l->nmarks; i++)
        free(l->marks[i]);
    l->nmarks = 0;
}

int list_find(struct ui_list *l, const struct model *m, const char *text, int dir)
{
    for (int k = 1; k <= l->n; k++) {
        int i = ((l->cur + dir * k) % l->n + l->n) % l->n;
        if (list_row_matches(l, m, l->order[i], text)) {
            move_to(l, m, i);
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ drawing */

static int column_width(const struct list_type *t, int c, int fixed)
{
    int w = t->cols[c].width;
    if (w)
        return w;
    w = COLS - 2 - fixed;
    return w < 4 ? 4 : w;
}

static void draw_header(struct console *c, const struct ui_list *l, int y, int fixed)
{
    const struct list_type *t = l->type;
    move(y, 0);
    clrtoeol();
    ui_attr(c, C_HEAD, 1);
    int x = 2;
    for (int i = 0; i < t->ncols && x < COLS; i++) {
        if (!shown(&t->cols[i]))
            continue;
        int w = column_width(t, i, fixed), sorted = t->cols[i].cmp == t->cols[l->sort].cmp;
        char title[64];
        snprintf(title, sizeof title, "%s%s", t->cols[i].title,
                 sorted ? (l->desc ? "v" : "^") : "");
        /* a title as wide as its column: the mark in the gap after it, not over its end,
         * when no title follows there (it would run into it: columns are made wider than
         * their titles, so that it does not come to that) */
        int next = 0;
        for (int k = i + 1; k < t->ncols && !next; k++)
            next = shown(&t->cols[k]);
        int in_gap = sorted && (int)strlen(title) > w && (int)strlen(t->cols[i].title) <= w &&
                     x + w < COLS && !next;
        if (in_gap)
            title[strlen(title) - 1] = 0;
        else if (sorted && w > 1 && (int)strlen(title) > w)
            title[w - 1] = l->desc ? 'v' : '^', title[w] = 0;
        if (sorted)
            attron(A_UNDERLINE);
        ui_put(y, x, t->cols[i].right ? "%*.*s" : "%-*.*s", w, w, title);
        if (in_gap)
            ui_put(y, x + w, "%c", l->desc ? 'v' : '^');
        if (sorted)
            attroff(A_UNDERLINE);
        x += w + 1;
    }
    ui_attr(c, C_HEAD, 0);
}

/* Underlines every match of the filter in the line drawn at (y, 0). */
static void draw_matches(struct console *c, const struct ui_list *l, int y, const char *line)
{
    size_t len = strlen(l->filter);
    for (const char *p = line; len && (p = ui_match(p, l->filter)) != NULL; p += len) {
        ui_attr(c, C_MATCH, 1);
        ui_put(y, (int)(p - line), "%.*s", (int)len, p);
        ui_attr(c, C_MATCH, 0);
    }
}

static void draw_row(struct console *c, const struct ui_list *l, const struct model *m, int y,
                     int row, int fixed, int is_cur)
{
    const struct list_type *t = l->type;
    char line[1024], cell[UI_CELL];
    int x = 2;
    size_t cap = (size_t)(COLS < (int)sizeof line ? COLS : (int)sizeof line - 1) + 1;
    memset(line, ' ', cap - 1);
    line[cap - 1] = 0;
    if (list_marked(l, t->key(m, row)))
        line[0] = '*';
    for (int i = 0; i < t->ncols && x < (int)cap - 1; i++) {
        if (!shown(&t->cols[i]))
            continue;
        int w = column_width(t, i, fixed);
        t->cell(m, row, i, m->snap.taken, cell, sizeof cell);
        char buf[UI_CELL + 8], fit[UI_CELL];
        int room_w = w > 0 ? w : (int)cap - 1 - x; /* the last column: the rest of the line */
        ui_elide(cell, room_w, fit, sizeof fit);   /* a cut is marked ".." */
        snprintf(buf, sizeof buf, t->cols[i].right ? "%*.*s" : "%-*.*s", w, w, fit);
        size_t room = cap - 1 - (size_t)x;
        memcpy(line + x, buf, strlen(buf) < room ? strlen(buf) : room);
        x += w + 1;
    }
    int pair = t->pair ? t->pair(m, row) : 0;
    if (is_cur)
        attron(A_REVERSE | A_BOLD);
    else
        ui_attr(c, pair, 1);
    ui_text(y, 0, line);
    if (is_cur)
        attroff(A_REVERSE | A_BOLD);
    else
        ui_attr(c, pair, 0);
    if (l->filter[0] && !is_cur)
        draw_matches(c, l, y, line);
    else if (l->filter[0]) {
        attron(A_REVERSE | A_BOLD);
        attron(A_UNDERLINE);
        size_t len = strlen(l->filter);
        for (const char *p = line; (p = ui_match(p, l->filter)) != NULL; p += len)
            ui_put(y, (int)(p - line), "%.*s", (int)len, p);
        attroff(A_REVERSE | A_BOLD | A_UNDERLINE);
    }
}

/* The first row shown. A motion scrolls as little as keeps the cursor on the screen (as
 * less and htop do). After a new sort or filter, or a new height (a resize), the cursor
 * keeps its line on the screen as far as the new height allows, and the list starts at
 * its first row whenever the cursor is within the first page: rows above the cursor are
 * never hidden needlessly. */
static void place_top(struct ui_list *l, int rows)
{
    if (l->reanchor || rows != l->rows_shown) {
        int line = l->line < rows ? l->line : rows - 1;
        l->top = l->cur < rows ? 0 : l->cur - line;
        l->reanchor = 0;
    }
    if (l->cur < l->top)
        l->top = l->cur;
    if (l->cur >= l->top + rows)
        l->top = l->cur - rows + 1;
    if (l->top > l->n - rows)
        l->top = l->n - rows;
    if (l->top < 0)
        l->top = 0;
    l->line = l->cur - l->top;
}

void list_draw(struct console *c, struct ui_list *l, const struct model *m, int y, int h)
{
    const struct list_type *t = l->type;
    int fixed = 0;
    for (int i = 0; i < t->ncols; i++)
        if (shown(&t->cols[i]) && t->cols[i].width)
            fixed += t->cols[i].width + 1;
    draw_header(c, l, y, fixed);
    int rows = h - 2; /* below the documented size, none: never a row under the status line */
    if (rows > 0) {
        place_top(l, rows);
        l->rows_shown = rows;
    }
    for (int i = 0; i < rows && l->top + i < l->n; i++)
        draw_row(c, l, m, y + 1 + i, l->order[l->top + i], fixed, l->top + i == l->cur);
    ui_attr(c, C_DIM, 1);
    char st[512], part[160];
    snprintf(st, sizeof st, "row %d/%d %s", l->n ? l->cur + 1 : 0, l->n, t->noun);
    if (t->note) {
        part[0] = 0;
        t->note(m, part, sizeof part);
        strncat(st, part, sizeof st - strlen(st) - 1);
    }
    if (l->filter[0]) {
        snprintf(part, sizeof part, "  filter: %.64s (%d of %d)", l->filter, l->n, t->count(m));
        strncat(st, part, sizeof st - strlen(st) - 1);
    }
    int seen = 0; /* a narrower screen than the one it was sorted on may drop it */
    for (int i = 0; i < t->ncols && !seen; i++)
        seen = on_screen(t, i) && t->cols[i].cmp == t->cols[l->sort].cmp;
    snprintf(part, sizeof part, "  sort: %s %s%s", t->cols[l->sort].title, l->desc ? "desc" : "asc",
             seen ? "" : " (column hidden)");
    if (strlen(st) + strlen(part) <= (size_t)COLS) /* whole, or not at all */
        strncat(st, part, sizeof st - strlen(st) - 1);
    if (l->nmarks) {
        snprintf(part, sizeof part, "  marked: %d", l->nmarks);
        strncat(st, part, sizeof st - strlen(st) - 1);
    }
    move(y + h - 1, 0); /* the whole line: nothing of what was drawn there stays */
    clrtoeol();
    ui_text(y + h - 1, 0, st);
    ui_attr(c, C_DIM, 0);
}
