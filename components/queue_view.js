// The queue's list, drawn in the browser. Every viewer of a queue receives the same
// "queue_snapshot" socket.io message (encoded once per change on the server) and keeps
// the newest version; older or other queues' messages are ignored. While the server offers
// it (the reader is not in the queue and it is not closed), a task picker and a join button sit above the list.
export default {
  template: `
    <div class="w-full column no-wrap" style="gap: 4px">
      <div v-if="offer" class="row items-center q-mb-sm" style="gap: 8px">
        <!-- on a phone the button wraps under a full-width picker, so task names stay readable -->
        <q-select
          v-model="task"
          :options="taskOptions"
          emit-value
          map-options
          :label="text.task"
          style="flex: 3 1 14rem; min-width: 0"
        />
        <q-btn
          color="primary"
          icon="person_add"
          :label="text.join"
          style="flex: 1 0 auto"
          @click="$emit('join', task)"
        />
      </div>
      <div class="row items-center no-wrap" style="gap: 8px">
        <q-badge :color="stateColor" class="text-sm" :label="text[current.state]" />
        <span>{{ text.size.replace("{n}", current.entries.length) }}</span>
        <q-space />
        <span class="text-xs text-grey-6">v{{ current.version }}</span>
      </div>
      <div v-if="!current.entries.length" class="text-grey-7 q-py-sm">{{ text.empty }}</div>
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
        <q-badge v-if="entry.status === 'called'" color="positive" :label="text.called" />
        <q-badge v-else-if="entry.status === 'frozen'" color="info" :label="text.frozen" />
      </div>
    </div>
  `,
  props: {
    initial: String,
    queueId: Number,
    me: Number,
    labels: String, // JSON, shared by every page in one language
    join: String, // JSON {tasks: [[id, name]], task: id} while the reader may join, else null
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
    taskOptions() {
      return this.offer ? this.offer.tasks.map(([value, label]) => ({ value, label })) : [];
    },
    text() {
      return JSON.parse(this.labels);
    },
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
