// Adds the background's strings (keys starting with "bg") to both locale files, keeping every
// other key as it is (the popup/options own those). Run: node scripts/merge-bg-locales.mjs
import { readFileSync, writeFileSync } from 'node:fs';

// key: [english, chinese, placeholder names in $1, $2 ... order]
const STRINGS = {
  bgBadgeSignedOut: ['Signed out — open the options to sign in', '未登录 — 请在选项页登录', []],
  bgBadgeExpired: ['Session expired — sign in again', '会话已过期 — 请重新登录', []],
  bgBadgeSyncFailing: ['Changes not synced yet: $error$', '更改尚未同步：$error$', ['error']],
  bgBadgeDailyWindow: ['daily $start$–$end$ ($zone$)', '每天 $start$–$end$（$zone$）', ['start', 'end', 'zone']],
  bgBadgeQuietAllDay: ['Quiet all day — $what$', '全天免打扰 — $what$', ['what']],
  bgBadgeQuietUntilDaily: ['Quiet until $until$ — $daily$', '免打扰至 $until$ — $daily$', ['until', 'daily']],
  bgBadgeQuietUntil: ['Quiet until $until$ ($zone$)', '免打扰至 $until$（$zone$）', ['until', 'zone']],
  bgBadgeTomorrowAt: ['tomorrow $time$', '明天 $time$', ['time']],
  bgBadgeDateAt: ['$date$ $time$', '$date$ $time$', ['date', 'time']],
  bgBadgeMentionsOnly: ['Pushes only when you are mentioned', '仅在被 @ 时推送', []],
  bgBadgePushOff: ['Pushes are off', '推送已关闭', []],
  bgBadgeOfflineCount: ['Offline messages: $count$', '离线消息：$count$ 条', ['count']],
  bgBadgeAllPushes: ['Pushes on for every message', '所有消息均推送', []],
  bgNotificationInGroup: ['in group $id$', '群组 $id$', ['id']],
  bgNotificationInRoom: ['in room $id$', '聊天室 $id$', ['id']],
  bgNotificationMute1h: ['Mute 1 h', '静音 1 小时', []],
  bgMenuMuteChat: ['Mute this chat', '静音此会话', []],
  bgMenuMute1h: ['For 1 hour', '1 小时', []],
  bgMenuMute8h: ['For 8 hours', '8 小时', []],
  bgMenuMute24h: ['For 24 hours', '24 小时', []],
  bgMenuMute7d: ['For 7 days', '7 天', []],
  bgMenuOnlyMentions: ['Only @mentions', '仅 @ 我', []],
  bgMenuNever: ['Never notify', '从不通知', []],
  bgMenuFollowApp: ['Follow app setting', '跟随应用设置', []],
  bgMenuPause1h: ['Pause pushes for 1 hour', '暂停推送 1 小时', []],
  bgMenuResume: ['Resume pushes', '恢复推送', []],
  bgCommandPause1h: ['Pause pushes for 1 hour', '暂停推送 1 小时', []],
  bgTestPushNotSent: ['The server found no device to push to', '服务器没有可推送的设备', []],
};

for (const [locale, index] of [['en', 0], ['zh_CN', 1]]) {
  const file = new URL(`../assets/_locales/${locale}/messages.json`, import.meta.url);
  const messages = JSON.parse(readFileSync(file, 'utf8'));
  for (const [key, entry] of Object.entries(STRINGS)) {
    const names = entry[2];
    messages[key] = {
      message: entry[index],
      ...(names.length ? { placeholders: Object.fromEntries(names.map((n, i) => [n, { content: `$${i + 1}` }])) } : {}),
    };
  }
  writeFileSync(file, `${JSON.stringify(messages, null, 2)}\n`);
}
