// The console's list of the students waiting (and frozen), drawn in the browser from the same
// "queue_snapshot" message as the students' list and the board: a console drawn by the server
// held about 280 elements for a queue of 30, each change costing the server work per row
// (tests/bench/README.md, session 11). Each row has two icon buttons; they only say which
// entry was meant ("skip" or "remove" with its id), and the server checks and does the rest.
// The version it shows is in `data-version`, for tests.
export default {
  template: `
    <q-card class="eq-console-list full-width" :data-version="current.version">
      <q-card-section class="column no-wrap" style="gap: 4px">
        <div v-if="!waiting.length" class="eq-muted">{{ text.empty }}</div>
        <ol v-else class="column no-wrap q-ma-none q-pa-none" style="gap: 4px; list-style: none" :aria-label="text.list">
          <li
            v-for="entry in waiting"
            :key="entry.id"
            class="eq-console-entry row items-center no-wrap full-width"
            style="gap: 8px"
          >
            <span class="text-right" style="width: 2rem; flex: none; font-variant-numeric: tabular-nums">
              {{ entry.draw ? "–" : entry.position }}
            </span>
            <div class="column no-wrap" style="flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere">
              <span>{{ entry.name }}</span>
              <span v-if="entry.task" class="text-caption eq-muted">{{ entry.task }}</span>
            </div>
            <q-badge v-if="entry.status === 'frozen'" color="info" :label="text.frozen" style="flex: none" />
            <q-badge v-if="entry.draw" outline color="primary" :label="text.draw" style="flex: none" />
            <q-btn flat round dense icon="redo" :aria-label="named(text.skip_named, entry)" @click="$emit('skip', entry.id)">
              <q-tooltip>{{ text.skip }}</q-tooltip>
            </q-btn>
            <q-btn flat round dense icon="close" class="text-negative" :aria-label="named(text.remove_named, entry)" @click="$emit('remove', entry.id)">
              <q-tooltip>{{ text.remove }}</q-tooltip>
            </q-btn>
          </li>
        </ol>
      </q-card-section>
    </q-card>
  `,
  props: {
    initial: String,
    queueId: Number,
    labels: String, // JSON, shared by every console in one language
  },
  data() {
    return { current: JSON.parse(this.initial) };
  },
  computed: {
    text() {
      return JSON.parse(this.labels);
    },
    // Everyone not at the desk, in queue order (QueueSnapshot.in_line).
    waiting() {
      return this.current.entries.filter((entry) => entry.status !== "called");
    },
  },
  mounted() {
    this.receive = (snapshot) => {
      if (snapshot.queue_id === this.queueId && snapshot.version > this.current.version) {
        this.current = snapshot;
      }
    };
    // As components/queue_view.js: attached before the page's socket can receive anything.
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
    // A button's name with the student's name in it; a text, never markup.
    named(template, entry) {
      return template.replace("{name}", () => entry.name); // a function: "$&" in a name stays text
    },
  },
};
