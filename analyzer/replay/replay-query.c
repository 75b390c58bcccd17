/* What rules ask of a replayed trace: locations, descriptions of objects and
 * operations, the tasks involved. */
#include "replay.h"
#include "util-xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "possess (yarn.c:137), called from compress_thread (pigz.c:1234), ..." */
static char *chain_text(const knot__replay *r, const knot__site_info *s) {
    char buf[2048];
    size_t used = 0;
    for (size_t d = 0; d < s->nframes && used < sizeof buf; d++) {
        long long frame = s->frames[d];
        const knot__site_info *f = &r->sites[frame];
        if (f->function &&
            (!strncmp(f->function, "__libc_start", 12) || !strcmp(f->function, "_start")))
            break; /* what runs main is no business of the program's */
        char where[512];
        if (f->file)
            knot__replay_site_text(r, frame, "", where, sizeof where);
        else if (f->module) {
            const char *base = strrchr(f->module, '/');
            snprintf(where, sizeof where, "%s+0x%llx", base ? base + 1 : f->module, f->address);
        } else
            snprintf(where, sizeof where, "an unknown site");
        int n = snprintf(buf + used, sizeof buf - used, "%s%s (%s)", d ? ", called from " : "",
                         f->function ? f->function : "?", where);
        if (n < 0 || (f->function && !strcmp(f->function, "main")))
            break;
        used += (size_t)n;
    }
    return knot__text_dup(buf);
}

knot__loc knot__replay_loc(const knot__replay *r, long long site) {
    if (site <= 0 || (size_t)site >= r->nsites)
        return knot__loc_make(NULL, 0, 0, NULL);
    const knot__site_info *s = &r->sites[site];
    knot__loc loc = knot__loc_make(s->file, s->file ? s->line : 0, 0, s->function);
    if (!s->file && s->module) {
        loc.module = knot__text_dup(s->module);
        loc.address = s->address;
    }
    if (s->nframes > 1)
        loc.chain = chain_text(r, s);
    return loc;
}

void knot__replay_site_text(const knot__replay *r, long long site, const char *unknown, char *out,
                            size_t size) {
    if (site > 0 && (size_t)site < r->nsites && r->sites[site].file) {
        const char *file = r->sites[site].file;
        const char *base = strrchr(file, '/');
        snprintf(out, size, "%s:%d", base ? base + 1 : file, r->sites[site].line);
    } else {
        snprintf(out, size, "%s", unknown);
    }
}

void knot__replay_describe(const knot__replay *r, long long object, char *out, size_t size) {
    if (object <= 0 || (size_t)object >= r->nobjects || !r->objects[object].present) {
        snprintf(out, size, "object %lld", object);
        return;
    }
    const knot__object_info *o = &r->objects[object];
    const char *kind = o->kind ? o->kind : "object";
    bool is_chan = strcmp(kind, "chan") == 0 || strcmp(kind, "timer") == 0;
    const char *noun = is_chan ? "channel" : kind;
    char made[256];
    knot__replay_site_text(r, o->site, "an unknown site", made, sizeof made);
    char cap[64] = "";
    if (is_chan)
        snprintf(cap, sizeof cap, o->capacity > 0 ? " (capacity %lld)" : " (unbuffered)",
                 o->capacity);
    if (o->name) {
        snprintf(out, size, "%s '%s'%s", noun, o->name, cap);
    } else if (o->site > 0) {
        snprintf(out, size, "%s made at %s%s", noun, made, cap);
    } else if (o->nuses > 0) { /* a pthread object: known by where it was first used */
        knot__replay_site_text(r, o->uses[0].site, "an unknown site", made, sizeof made);
        snprintf(out, size, "%s #%lld first used at %s", noun, object, made);
    } else
        snprintf(out, size, "%s #%lld%s", noun, object, cap);
}

const char *knot__replay_verb(enum knot__ev kind) {
    switch (kind) {
    case KNOT_EV_CHAN_SEND:
        return "sending on";
    case KNOT_EV_CHAN_RECV:
        return "receiving from";
    case KNOT_EV_SELECT:
        return "in a select";
    case KNOT_EV_WG_WAIT:
        return "waiting on";
    case KNOT_EV_MUTEX_LOCK:
    case KNOT_EV_MUTEX_TIMEDLOCK:
    case KNOT_EV_RW_WRLOCK:
        return "locking";
    case KNOT_EV_RW_RDLOCK:
        return "read-locking";
    case KNOT_EV_COND_WAIT:
        return "waiting on";
    case KNOT_EV_THREAD_JOIN:
        return "joining";
    case KNOT_EV_SEM_WAIT:
    case KNOT_EV_SEM_TIMEDWAIT:
        return "waiting on";
    case KNOT_EV_BARRIER_WAIT:
        return "waiting at";
    case KNOT_EV_GROUP_WAIT:
        return "waiting for";
    default:
        return "blocked on";
    }
}

void knot__replay_add_task(const knot__replay *r, knot__finding *f, int t) {
    if (t < 0 || (size_t)t >= r->ntasks)
        return;
    const knot__task_info *ti = &r->tasks[t];
    knot__loc spawn =
        ti->spawn_site > 0 ? knot__replay_loc(r, ti->spawn_site) : knot__loc_make(NULL, 0, 0, NULL);
    knot__finding_add_task(f, t, ti->function, spawn);
}

bool knot__replay_timer_pending(const knot__replay *r, int maker) {
    for (size_t i = 1; i < r->nobjects; i++) {
        const knot__object_info *o = &r->objects[i];
        if (!o->kind || strcmp(o->kind, "timer") != 0 || o->freed)
            continue;
        if ((maker < 0 || o->maker == maker) && (o->sent == 0 || o->sent >= 2))
            return true;
    }
    return false;
}

bool knot__replay_blocked_forever(const knot__replay *r, int t) {
    const knot__task_info *ti = &r->tasks[t];
    if (!ti->present || !ti->blocked || ti->timed || ti->last.kind == KNOT_EV_OTHER)
        return false;
    return !(ti->last.kind == KNOT_EV_SELECT && knot__replay_timer_pending(r, t));
}

void *knot__rule_state_new(size_t size, knot__findings *out) {
    knot__findings **state = knot__xcalloc(1, size < sizeof *state ? sizeof *state : size);
    *state = out;
    return state;
}
