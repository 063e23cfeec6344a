// The queue's list, drawn in the browser. Every viewer of a queue receives the same
// "queue_snapshot" socket.io message (encoded once per change on the server) and keeps
// the newest version; older or other queues' messages are ignored.
export default {
  template: `
    <div class="w-full column no-wrap" style="gap: 4px">
      <div class="row items-center no-wrap" style="gap: 8px">
        <q-badge :color="stateColor" class="text-sm" :label="labels[current.state]" />
        <span>{{ labels.size.replace("{n}", current.entries.length) }}</span>
        <q-space />
        <span class="text-xs text-grey-6">v{{ current.version }}</span>
      </div>
      <div v-if="!current.entries.length" class="text-grey-7 q-py-sm">{{ labels.empty }}</div>
      <div
        v-for="(entry, index) in current.entries"
        :key="entry.id"
        class="eq-entry row items-center no-wrap rounded-borders full-width"
        :class="entry.user_id === me ? 'bg-blue-1 text-weight-bold eq-mine' : ''"
        style="gap: 12px; padding: 8px 12px"
      >
        <span class="text-lg text-right" style="width: 2rem; font-variant-numeric: tabular-nums">
          {{ index + 1 }}
        </span>
        <div class="column no-wrap" style="flex: 1 1 auto; min-width: 0">
          <span class="ellipsis">{{ entry.name }}</span>
          <span v-if="entry.task" class="text-caption text-grey-7 ellipsis">{{ entry.task }}</span>
        </div>
        <q-badge v-if="entry.status === 'called'" color="positive" :label="labels.called" />
        <q-badge v-else-if="entry.status === 'frozen'" color="info" :label="labels.frozen" />
      </div>
    </div>
  `,
  props: {
    initial: String,
    queueId: Number,
    me: Number,
    labels: Object,
  },
  data() {
    return { current: JSON.parse(this.initial) };
  },
  computed: {
    stateColor() {
      return { open: "positive", paused: "warning", closed: "grey" }[this.current.state];
    },
  },
  mounted() {
    this.receive = (snapshot) => {
      if (snapshot.queue_id === this.queueId && snapshot.version > this.current.version) {
        this.current = snapshot;
      }
    };
    // The page's socket is created by NiceGUI after its components mount.
    const attach = () => {
      if (this.unmountedAlready) return;
      if (window.socket) window.socket.on("queue_snapshot", this.receive);
      else setTimeout(attach, 50);
    };
    attach();
  },
  unmounted() {
    this.unmountedAlready = true;
    window.socket?.off("queue_snapshot", this.receive);
  },
};
