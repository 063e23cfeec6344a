// The queue's list, drawn in the browser. Every viewer of a queue receives the same
// "queue_snapshot" socket.io message (encoded once per change on the server) and keeps
// the newest version; older or other queues' messages are ignored. While the server offers
// it (the reader is not in the queue and it is not closed), a task picker and a join button
// sit above the list; with `stickyJoin`, on a phone they sit in a bar fixed to the bottom of
// the screen instead, so joining needs no scrolling. A QCard, so it follows Quasar's dark mode.
// The version it shows is in `data-version`, for tests (people have no use for the number).
export default {
  template: `
    <q-card
      flat
      bordered
      class="eq-queue"
      :data-version="current.version"
      :style="joinBarShown ? 'margin-bottom: 8rem' : ''"
    >
      <q-card-section class="column no-wrap" style="gap: 4px">
        <div
          v-if="offer"
          class="row items-center eq-join"
          :class="joinBarShown ? 'shadow-up-2' : 'q-mb-sm'"
          :style="joinBarShown ? joinBarStyle : ''"
        >
          <!-- on a phone the button wraps under a full-width picker, so task names stay readable -->
          <q-select
            v-model="task"
            :options="taskOptions"
            emit-value
            map-options
            :dense="joinBarShown"
            :label="text.task"
            :style="joinBarShown ? 'flex: 1 1 100%; min-width: 0' : 'flex: 3 1 14rem; min-width: 0'"
          />
          <q-btn
            color="primary"
            icon="person_add"
            :label="text.join"
            no-caps
            :style="joinBarShown ? 'flex: 1 1 100%' : 'flex: 1 0 auto'"
            @click="$emit('join', task)"
          />
        </div>
        <div class="row items-center no-wrap" style="gap: 8px">
          <q-badge :color="stateColor" class="text-sm" :label="text[current.state]" />
          <span>{{ counted(text.size, current.entries.length) }}</span>
        </div>
        <div v-if="!current.entries.length" class="text-grey-8 q-py-sm">{{ text.empty }}</div>
        <ol v-else class="column no-wrap q-ma-none q-pa-none" style="gap: 4px; list-style: none" :aria-label="text.list">
          <li
            v-for="entry in current.entries"
            :key="entry.id"
            class="eq-entry row items-center no-wrap rounded-borders full-width"
            :class="entry.user_id === me ? 'text-weight-bold eq-mine' : ''"
            :style="entry.user_id === me ? mineStyle : ''"
            style="gap: 12px; padding: 8px 12px"
          >
            <span class="text-lg text-right" style="width: 2rem; flex: none; font-variant-numeric: tabular-nums">
              {{ entry.draw ? "–" : entry.position }}
            </span>
            <q-avatar
              size="32px"
              style="flex: none"
              :color="entry.pic ? undefined : initialsColour(entry.user_id)"
              :text-color="entry.pic ? undefined : 'white'"
              :role="entry.pic ? undefined : 'img'"
              :aria-label="entry.pic ? undefined : entry.name"
            >
              <img v-if="entry.pic" :src="pictureOf(entry)" :alt="entry.name" loading="lazy" />
              <span v-else aria-hidden="true">{{ initialsOf(entry.name) }}</span>
            </q-avatar>
            <div class="column no-wrap" style="flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere">
              <span class="eq-entry-name">{{ entry.name }}</span>
              <span v-if="entry.task" class="text-caption text-grey-8">{{ entry.task }}</span>
            </div>
            <q-badge v-if="entry.status === 'called'" color="positive" :label="text.called" />
            <q-badge v-else-if="entry.status === 'frozen'" color="info" :label="text.frozen" />
            <q-badge v-if="entry.draw" outline color="primary" :label="text.draw" />
          </li>
        </ol>
      </q-card-section>
    </q-card>
  `,
  props: {
    initial: String,
    queueId: Number,
    me: Number,
    labels: String, // JSON, shared by every page in one language
    join: String, // JSON {tasks: [[id, name]], task: id} while the reader may join, else null
    stickyJoin: Boolean,
    palette: String, // JSON: the initials avatars' Quasar colours (components/avatar.py)
  },
  data() {
    return { current: JSON.parse(this.initial), task: this.join ? JSON.parse(this.join).task : null };
  },
  watch: {
    join(value) {
      if (value) this.task = JSON.parse(value).task;
    },
  },
  computed: {
    offer() {
      return this.join ? JSON.parse(this.join) : null;
    },
    joinBarShown() {
      return Boolean(this.offer && this.stickyJoin && this.$q.screen.lt.sm);
    },
    joinBarStyle() {
      const background = this.$q.dark.isActive ? "var(--q-dark)" : "#fff";
      return (
        "position: fixed; left: 0; right: 0; bottom: 0; z-index: 1900; gap: 8px; " +
        `padding: 8px 12px; background: ${background}`
      );
    },
    // The reader's own row: a light blue on a light page, a blue tint on a dark one, so the
    // page's own text colour stays readable on it in both.
    mineStyle() {
      return { background: this.$q.dark.isActive ? "rgba(144, 202, 249, 0.16)" : "#e3f2fd" };
    },
    taskOptions() {
      return this.offer ? this.offer.tasks.map(([value, label]) => ({ value, label })) : [];
    },
    text() {
      return JSON.parse(this.labels);
    },
    pluralRules() {
      return new Intl.PluralRules(this.text.lang);
    },
    stateColor() {
      return { open: "positive", paused: "warning", closed: "grey-8" }[this.current.state];
    },
  },
  mounted() {
    this.receive = (snapshot) => {
      if (snapshot.queue_id === this.queueId && snapshot.version > this.current.version) {
        this.current = snapshot;
      }
    };
    // NiceGUI creates the page's socket in its root's mounted(), which runs right after this
    // one, in the same task. A microtask runs after that and before the socket can receive
    // anything: the server sends a newer snapshot the moment the socket connects (a change
    // made while the page loaded), and a listener attached later would miss it.
    const attach = () => {
      if (this.unmountedAlready) return;
      if (window.socket) window.socket.on("queue_snapshot", this.receive);
      else setTimeout(attach, 50);
    };
    queueMicrotask(attach);
  },
  unmounted() {
    this.unmountedAlready = true;
    window.socket?.off("queue_snapshot", this.receive);
  },
  methods: {
    // A picture's address (pages/pictures.py); its key versions it.
    pictureOf(entry) {
      return `/pictures/${entry.user_id}/${entry.pic}.webp`;
    },
    // As components/avatar.py: the first letters of the name's first two words, and a colour
    // chosen by the user id.
    initialsOf(name) {
      const words = name.split(/\s+/).filter(Boolean).slice(0, 2);
      return words.map((word) => Array.from(word)[0]).join("").toUpperCase() || "?";
    },
    initialsColour(userId) {
      const colours = JSON.parse(this.palette);
      return colours[userId % colours.length];
    },
    // A text with a count: the server sends its form for each plural category of the
    // reader's language (components/i18n.py, _forms).
    counted(forms, n) {
      return (forms[this.pluralRules.select(n)] ?? forms.other).replace("{n}", n);
    },
  },
};
