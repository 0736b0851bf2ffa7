/* view_help: every key, from the binding table, scrollable (Esc or q goes back). */
#include "console.h"

#include <curses.h>
#include <stdlib.h>

static void draw(struct console *c, const struct model *m, int y, int h)
{
    char **lines;
    int n = ui_help_lines(&lines);
    int *top = &c->scroll[V_HELP], rows = n > h - 1 ? h - 2 : h - 1;
    if (*top > n - rows)
        *top = n - rows;
    if (*top < 0)
        *top = 0;
    ui_attr(c, C_HEAD, 1);
    ui_put(y, 0, "keys (j/k scroll, Esc or q goes back)%s", c->read_only ? "  [read-only]" : "");
    ui_attr(c, C_HEAD, 0);
    c->page[V_HELP] = rows;
    for (int i = 0; i < rows && *top + i < n; i++)
        ui_put(y + 1 + i, 1, "%s", lines[*top + i]);
    if (rows < h - 1) {
        ui_attr(c, C_DIM, 1);
        ui_put(y + h - 1, 0, "lines %d-%d/%d", *top + 1, *top + rows, n);
        ui_attr(c, C_DIM, 0);
    }
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static int key_(struct console *c, const struct model *m, enum action a)
{
    return K_IGNORED;
}

static void on_model(struct console *c, const struct model *m) {}

const struct panel view_help = {V_HELP, "Help", draw, key_, on_model, NULL, NULL};
