// Alerts for "your turn": sound, vibration, tab title and a browser notification.
window.eqAlert = function (title, body, strong) {
  try {
    const context = new (window.AudioContext || window.webkitAudioContext)();
    const beeps = strong ? [0, 0.35, 0.7] : [0];
    for (const start of beeps) {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = strong ? 880 : 660;
      gain.gain.setValueAtTime(0.25, context.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + start + 0.3);
      tone.connect(gain).connect(context.destination);
      tone.start(context.currentTime + start);
      tone.stop(context.currentTime + start + 0.3);
    }
  } catch (error) {}
  if (navigator.vibrate) navigator.vibrate(strong ? [300, 150, 300, 150, 600] : [200]);
  if (strong) {
    if (!window.eqTitle) window.eqTitle = document.title;
    document.title = "🔔 " + title;
    const restore = () => {
      if (window.eqTitle) document.title = window.eqTitle;
      window.eqTitle = null;
    };
    window.addEventListener("focus", restore, { once: true });
  }
  if ("Notification" in window && Notification.permission === "granted") {
    try {
      new Notification(title, { body: body, tag: "equeue-turn", renotify: true });
    } catch (error) {}
  }
};
window.eqAskNotifications = async function () {
  if (!("Notification" in window)) return "unsupported";
  return await Notification.requestPermission();
};
