/**
 * Every user-facing string of the app, in Simplified Chinese, kept in one place so it can be
 * translated. Pages and components import from here; no Chinese literal lives elsewhere in src/.
 */
import type { ErrorCode, FieldError } from '../../cloud/src/api/errors'
import type { EntryPolicyView, ScanDenialReason } from '../../cloud/src/api/models'
import type { ReminderAnswer } from '../stores/reminders'

export const PAGE_TITLES = {
  app: '票卡',
  event: '活动',
  reserve: '填写预约',
  tickets: '我的票',
  ticket: '票券详情',
  checkin: '现场检票',
  organizer: '工作台',
  desk: '活动看板',
  privacy: '个人信息处理说明',
  eventDetail: '活动详情',
} as const

export const TAB_LABELS = {
  event: '活动',
  tickets: '我的票',
  organizer: '工作台',
} as const

export const TEXT = {
  loading: '加载中…',
  retry: '重试',
  back: '返回',
  sessionsHeading: '选择场次',
  remaining: (n: number) => `余 ${n} 张`,
  soldOut: '已约满',
  reserveCta: '预约',
  reserveFormHeading: '预约信息',
  nameLabel: '姓名',
  phoneLabel: '手机号',
  idNumberLabel: '证件号码',
  idNumberOptional: '（选填）',
  idTypeMainland: '居民身份证',
  idTypePassport: '护照',
  namePlaceholder: '与证件一致的姓名',
  phonePlaceholder: '11 位手机号',
  idNumberPlaceholder: '用于核验，仅保存不可逆摘要',
  submit: '提交预约',
  submitting: '提交中…',
  queued: '排队中…',
  queuedHint: '预约的人较多，正在为你排队，请不要离开本页',
  reserved: '预约成功',
  viewTicket: '查看票券',
  sessionNotFound: '场次可能已结束或下线，也可能是链接有误。',
  limitsHint: (perSession: number, perEvent: number) => `每人每场限 ${perSession} 张，本活动最多 ${perEvent} 张`,
  ticketStatusActive: '有效',
  ticketStatusCancelled: '已取消',
  ticketSession: '场次',
  ticketPlace: '地点',
  ticketAttendee: '预约人',
  ticketPhone: '手机号',
  cancelTicket: '取消预约',
  cancelConfirmTitle: '取消这张票？',
  cancelConfirmContent: '取消后名额将释放给其他人，此操作不可撤销',
  cancelConfirmKeep: '保留',
  cancelConfirmCancel: '取消预约',
  cancelled: '已取消预约',
  cancelUnavailable: '场次已开始，无法取消',
  showAtGate: '入场时请出示此二维码',
  ticketQrAlt: (code: string) => `入场二维码，票号 ${code}`,
  ticketsEmpty: '还没有票，去活动页预约吧',
  seeEvents: '去看看活动',
  seeAllEvents: '查看全部活动',
  myTickets: '我的票',
  // Every page's states: loading, failed, stale, not found.
  loadFailedTitle: '没有加载出来',
  refreshing: '正在更新…',
  staleSince: (at: string) => `。下面是 ${at} 的信息，可能不是最新的`,
  eventsHeading: (n: number) => `共 ${n} 个活动`,
  eventSpan: (from: string, sessions: number) => (sessions > 1 ? `${from} 起 · ${sessions} 个场次` : from),
  eventBadge: { open: '可预约', upcoming: '即将开放', soldOut: '已约满', closed: '已结束' },
  eventNotFoundTitle: '找不到这个活动',
  eventNotFound: '活动可能已结束或下线，也可能是链接有误。',
  sessionStarted: '已开始',
  reservationOpensAt: (at: string) => `${at} 开放预约`,
  reservationClosed: '本活动预约已截止',
  sessionNotFoundTitle: '找不到这个场次',
  sessionUnavailableTitle: (soldOut: boolean) => (soldOut ? '这个场次已约满' : '这个场次已开始'),
  sessionUnavailable: '可以看看同一活动的其他场次。',
  seeOtherSessions: '查看其他场次',
  ticketMissingTitle: '没有指定票券',
  ticketMissing: '这个链接里没有票券编号。你预约的票都在“我的票”里。',
  ticketNotFoundTitle: '找不到这张票',
  ticketNotFound: '票券不存在，或不在当前账号下。你预约的票都在“我的票”里。',
  ticketBadge: { active: '有效', entered: '已入场', ended: '已结束', cancelled: '已取消' },
  // Targets without sign-in (production H5, Alipay, ByteDance): the way to WeChat, said plainly.
  wechatOnlyReserveTitle: '请在微信中预约',
  wechatOnlyTicketsTitle: '你的票在微信小程序里',
  wechatOnlyWorkbenchTitle: '工作台请在微信小程序中使用',
  wechatOnlyBody: (appName: string) =>
    `这里暂时不能登录，所以只能浏览活动。预约、查看和取消票券请使用微信小程序「${appName}」：打开微信，搜索「${appName}」即可。`,
  copyAppName: '复制小程序名称',
  copiedAppName: '已复制，去微信搜索吧',
  noEvents: '暂时没有开放预约的活动',
  ticketHeading: '我的票券',
  // The workbench tab: who the person is to the events (roles.mine).
  workbenchNotStaffTitle: '你还不是工作人员',
  workbenchNotStaff: '你还不是工作人员，也不是任何活动的主办方。如需现场检票，请把下面的编号发给活动主办方，主办方添加后回到这里即可开始。',
  workbenchMyId: '我的编号',
  copyId: '复制编号',
  copied: '已复制',
  workbenchEventsHeading: '我参与的活动',
  roleOrganizer: '主办方',
  roleStaff: '工作人员',
  openCheckin: '现场检票',
  openDesk: '数据与管理',
  // Check-in at the gate.
  checkinGateHeading: '你在哪个检票口？',
  checkinGateHint: '填写一次，之后会记住。入场记录会写上检票口，便于核对。',
  gatePlaceholder: '检票口名称，如：东门',
  gateSave: '开始检票',
  gateRequired: '请填写检票口名称',
  gateLabel: '检票口',
  gateChange: '更换',
  checkinEventLabel: '活动',
  checkinPickEvent: '选择你负责的活动',
  checkinChangeEvent: '切换活动',
  scanButton: '扫码检票',
  scanFailed: '无法打开扫码，请手动输入票号',
  manualHeading: '手动输入票号',
  manualPlaceholder: '输入 18 位票号',
  manualSubmit: '核验',
  manualInvalid: '票号是 18 位数字，请核对',
  checking: '核验中…',
  checkinRetrying: (attempt: number) => `网络不稳定，正在重试（第 ${attempt} 次）…`,
  resultAdmitted: '可以入场',
  resultAlreadyAdmitted: '已入场过',
  resultDenied: '不能入场',
  resultAttendee: '持票人',
  resultSession: '场次',
  resultEntries: '入场次数',
  resultEntriesUsed: (n: number) => `已入场 ${n} 次`,
  resultFirstEntry: '首次入场',
  resultNoName: '—',
  nextScan: '继续检票',
  scanUnconfirmedTitle: '结果未确认',
  scanUnconfirmed: '网络异常，这次检票没有收到结果。请检查网络后重试；重试不会重复计入入场次数。',
  retryScan: '重试',
  abandonScan: '放弃这次检票',
  checkinNotStaff: '你还不是工作人员，请回到“工作台”查看你的编号并发给主办方。',
  // The organizer's desk: live figures, staff, export, ID refusals.
  deskUpdatedAt: (at: string) => `更新于 ${at} · 每 10 秒自动刷新`,
  deskForbidden: '你不是这个活动的主办方，无法查看数据。',
  deskTotals: '全部场次',
  statCapacity: '总名额',
  statReserved: '已预约',
  statCancelled: '已取消',
  statCheckedIn: '已入场',
  statRemaining: '余票',
  chartHeading: '各场次预约与入场',
  chartLegendCheckedIn: '已入场',
  chartLegendWaiting: '已预约未入场',
  chartLegendRemaining: '余票',
  chartFill: (percent: number) => `已约 ${percent}%`,
  chartCheckedIn: (checkedIn: number, reserved: number) => `入场 ${checkedIn}/${reserved}`,
  staffHeading: '工作人员',
  staffHint: '工作人员打开“工作台”会看到自己的编号，请对方发给你后在这里添加。',
  staffEmpty: '还没有工作人员',
  staffIdPlaceholder: '工作人员编号',
  staffAdd: '添加',
  staffIdRequired: '请填写工作人员编号',
  staffAdded: '已添加',
  staffAddedAt: (at: string) => `${at} 添加`,
  staffRemove: '移除',
  staffRemoveConfirmTitle: '移除这位工作人员？',
  staffRemoveConfirmContent: (openid: string) => `移除后，${openid} 不能再为本活动检票。`,
  staffRemoveConfirmRemove: '移除',
  staffRemoveConfirmKeep: '保留',
  staffRemoved: '已移除',
  exportHeading: '导出名单',
  exportHint: '导出预约名单和入场记录（CSV，可用表格软件打开）。默认手机号打码。',
  exportFullPhone: '含完整手机号',
  exportFullPhoneConfirmTitle: '导出完整手机号？',
  exportFullPhoneConfirmContent: '完整手机号属于个人信息，只可用于本活动的必要联系，请勿转发给无关人员。这次导出会被记录。',
  exportFullPhoneConfirm: '导出',
  exportFullPhoneCancel: '取消',
  exportCreate: '生成导出文件',
  exportCreating: '正在生成…',
  exportReservations: '预约名单',
  exportCheckins: '入场记录',
  exportRows: (rows: number) => `${rows} 行`,
  exportDownload: '下载',
  exportShare: '发送到聊天',
  exportDone: '已导出',
  exportFailed: '导出没有成功，请重试',
  exportUnsupported: '当前平台无法保存文件，请在微信或浏览器中导出。',
  cardPackUnsupported: '当前平台不支持微信卡包，请出示页面内二维码入场',
  addToCardPack: '添加到微信卡包',
  addingToCardPack: '正在添加…',
  viewInCardPack: '在卡包中查看',
  cardPackPending: '已添加到卡包，正在确认，稍后可在卡包中查看',
  cardPackAddFailed: '添加到卡包没有成功，请稍后重试；页面内的二维码照常可用',
  cardPackRefused: '添加到卡包没有成功：微信暂时没有接受这张票券，请稍后再点一次“添加到微信卡包”；页面内的二维码照常可用',
  cardPackOpenFailed: '暂时无法打开卡包，请稍后重试；页面内的二维码照常可用',
  // Personal data: the form's summary and agreement, erasing a ticket's data, the organizer's view.
  consentHeading: '个人信息说明',
  consentCollectedLabel: '收集',
  consentCollected: (idNumber: 'off' | 'optional' | 'required') =>
    idNumber === 'off' ? '姓名、手机号' : idNumber === 'optional' ? '姓名、手机号、证件号码（选填）' : '姓名、手机号、证件号码',
  consentPurposeLabel: '用途',
  consentPurpose: '出票和入场核验，执行每人限约',
  consentRetentionLabel: '保存',
  consentRetention: (days: number) => `场次结束 ${days} 天后自动删除；票券取消或场次结束后，你也可以在票券页立即删除`,
  consentAudienceLabel: '可见',
  consentAudience: '本活动主办方；现场检票人员只看到打码后的姓名',
  consentReadNotice: '查看完整的个人信息处理说明',
  consentAgree: '我已阅读并同意《个人信息处理说明》',
  ticketDataErased: (at: string) => `这张票上的姓名、手机号和证件信息已于 ${at} 删除`,
  ticketFieldErased: '已删除',
  ticketsRowErased: '个人信息已删除',
  eraseData: '删除我的个人信息',
  eraseConfirmTitle: '删除这张票上的个人信息？',
  eraseConfirmContent: '姓名、手机号和证件摘要将立即删除，无法恢复；场次和票券状态会保留。',
  eraseConfirmKeep: '保留',
  eraseConfirmErase: '删除',
  erased: '个人信息已删除',
  organizerRefusalsHeading: '证件号被拒记录',
  organizerRefusalsHint: '有人用已被占用的证件号预约时会记录在这里。请当面核验证件与本人一致后再释放。',
  organizerRefusalsEmpty: '暂无记录',
  // The attendee's ticket: entries and the event's entry rules.
  ticketEntries: '入场',
  ticketEntriesNone: '尚未入场',
  ticketEntriesUsed: (used: number, firstAt: string) => `已入场 ${used} 次，首次 ${firstAt}`,
  ticketEntryPolicy: '入场规则',
  refusalIdType: (idType: 'mainland' | 'passport') => (idType === 'mainland' ? '居民身份证' : '护照'),
  refusalAttempts: (n: number) => `尝试 ${n} 次`,
  refusalReleased: (at: string) => `已于 ${at} 释放`,
  releaseIdHold: '核验证件后释放',
  releaseConfirmTitle: '释放这个证件号？',
  releaseConfirmContent: '请确认已当面核验证件与本人一致。释放后，此证件号可以重新预约本活动。',
  releaseConfirmRelease: '释放',
  releaseConfirmKeep: '暂不',
  released: (tickets: number) => (tickets > 0 ? `已释放，涉及 ${tickets} 张票` : '已释放'),
  // WeChat's own privacy authorization (weapp): our popup for it.
  wechatPrivacyTitle: '隐私保护提示',
  wechatPrivacyBody: (contract: string) =>
    `继续之前，请阅读并同意${contract}。我们只为出票、入场核验和每人限约收集你填写的姓名、手机号和活动要求的证件号码。`,
  wechatPrivacyOpenContract: (contract: string) => `查看${contract}`,
  wechatPrivacyDefaultContract: '《小程序隐私保护指引》',
  wechatPrivacyAgree: '同意并继续',
  wechatPrivacyDisagree: '不同意',
  wechatPrivacyRefused: '你没有同意隐私保护指引，暂时无法填写预约信息。',
  wechatPrivacyAskAgain: '重新查看并同意',
  // Reminders by WeChat subscribe message: asked right after reserving, and again on the ticket.
  reminderTurnOn: '开启开场提醒',
  reminderTurningOn: '正在开启…',
  reminderOffer: '开启后，微信会发来预约确认，并在开场前提醒你',
  ticketReminders: '开场提醒',
  ticketRemindersState: { on: '已开启', off: '未开启', unasked: '未开启' },
  reminderAskAgain: '开启提醒',
  reminderOn: '已开启开场提醒',
  reminderAskFailed: '提醒没有开启：微信没有完成订阅，可能是在微信设置中关闭了订阅消息。票券不受影响，可以稍后再试',
  reminderNotSaved: (reason: string) => `${reason}。提醒设置没有保存，票券不受影响`,
} as const

/** Why the gate said no, for the staff at the gate. */
export const DENIAL_REASONS: Record<ScanDenialReason, string> = {
  UNKNOWN_CODE: '无效票码：系统中没有这张票',
  CANCELLED: '这张票已取消',
  WRONG_SESSION_TIME: '不在本场次的入场时间内',
  TOO_SOON: '距上次入场时间太短，请稍后再来',
  LIMIT_REACHED: '入场次数已用完',
}

/** The Chinese reason for a denial; an unknown reason falls back to a plain "no". */
export function denialReason(reason: string | undefined): string {
  return (reason && (DENIAL_REASONS as Record<string, string>)[reason]) || '不能入场'
}

/** What to say when asking for reminders ended without a recorded answer; null when it was recorded. */
export function reminderProblem(answer: ReminderAnswer): string | null {
  if (answer.kind === 'hostFailed') return TEXT.reminderAskFailed
  if (answer.kind === 'notSaved') return TEXT.reminderNotSaved(errorMessage(answer.error.code))
  return null
}

/**
 * An event's entry rules in plain words, e.g. "单次入场；开场前 60 分钟起可入场" or
 * "可多次入场，每天最多 2 次，两次间隔至少 30 分钟；开场前 60 分钟起可入场".
 */
export function entryPolicyText(entry: EntryPolicyView): string {
  const how: string[] = [entry.mode === 'single' ? '单次入场' : '可多次入场']
  if (entry.mode === 'multiple') {
    if (entry.maxEntries !== null) how.push(`最多 ${entry.maxEntries} 次`)
    if (entry.perDay !== null) how.push(`每天最多 ${entry.perDay} 次`)
    if (entry.minMinutesBetween !== null) how.push(`两次间隔至少 ${entry.minMinutesBetween} 分钟`)
  }
  const when: string[] = [entry.opensMinutesBefore > 0 ? `开场前 ${entry.opensMinutesBefore} 分钟起可入场` : '开场后可入场']
  if (entry.closesMinutesAfter > 0) when.push(`散场后 ${entry.closesMinutesAfter} 分钟内仍可入场`)
  return `${how.join('，')}；${when.join('，')}`
}

/**
 * Development builds only (`npm run dev`, `dist-h5-dev/`): switching the browser's identity. null
 * in production bundles, so none of it ships.
 */
export const DEV_TEXT = DEV_BACKEND
  ? {
      heading: '开发身份（仅开发环境）',
      current: (openid: string) => `当前身份：${openid}`,
      hint: '本地后端以 TICKETCARD_ORGANIZERS=dev_organizer 启动时，切换后即为所有活动的主办方。',
      toOrganizer: '切换为主办方 dev_organizer',
      toFresh: '换回新的个人身份',
      // The H5 stand-in for WeChat's subscribe-message sheet, so a browser can answer it.
      subscribeSheetTitle: (appName: string) => `「${appName}」申请发送以下消息`,
      subscribeSheetNote: '开发环境模拟的微信订阅消息弹窗',
      subscribeTemplateKind: { confirmation: '预约成功通知', reminder: '活动开场提醒' },
      subscribeAllow: '允许',
      subscribeCancel: '取消',
    }
  : null

/**
 * The full privacy notice (PRIVACY_NOTICE_VERSION in cloud/src/api/privacy.ts names this text:
 * change the version whenever the meaning changes, and people agree again).
 */
export const PRIVACY_NOTICE = {
  title: '票卡个人信息处理说明',
  version: (version: string) => `版本 ${version}`,
  intro: '你通过票卡预约活动时，我们按本说明处理你的个人信息。预约前需要你明确同意；不同意不影响浏览活动。',
  sections: (retentionDays: number | null) => [
    {
      heading: '我们收集什么',
      body: '预约人的姓名和手机号；活动要求时，还有证件类型和证件号码（居民身份证或护照）。我们不收集其他信息。',
    },
    {
      heading: '为什么收集',
      body: '姓名和手机号用于出具票券、在入场时核验本人；证件号码用于执行“每个证件限约”的规则，防止重复预约。',
    },
    {
      heading: '证件号码如何处理',
      body: '证件号码不会被保存。我们只保存用密钥计算出的不可逆摘要，用来判断同一证件是否已经预约过本活动，无法从摘要还原号码。',
    },
    {
      heading: '谁能看到',
      body: '本活动的主办方可以看到预约人的姓名和手机号；现场检票人员只看到打码后的姓名。有人用已被占用的证件号预约时，主办方只能看到打码后的证件号（仅后四位）和打码后的姓名，用于当面核验后释放。',
    },
    {
      heading: '保存多久',
      body:
        retentionDays === null
          ? '场次结束后，按本活动公布的期限自动删除姓名、手机号和证件摘要；期限显示在预约页面。'
          : `场次结束 ${retentionDays} 天后，系统自动删除票券上的姓名、手机号和证件摘要。`,
    },
    {
      heading: '你可以随时删除',
      body: '票券取消后或场次结束后，你可以在票券页点击“删除我的个人信息”立即删除，无需等待自动删除。删除后票券记录（场次、状态）保留，但不再含有你的个人信息。',
    },
    {
      heading: '你的同意',
      body: '预约时你勾选同意的说明版本和同意时间会与票券一起记录。本说明的内容变化时版本号会更新，你需要重新同意后才能再次预约。',
    },
  ],
  wechatContract: '查看微信小程序隐私保护指引',
} as const

export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  INVALID_INPUT: '填写的信息有误，请检查后重试',
  UNKNOWN_ACTION: '操作暂不支持，请更新小程序后重试',
  UNKNOWN_FUNCTION: '服务暂不可用，请稍后重试',
  PAYLOAD_TOO_LARGE: '提交的内容过长',
  UNAUTHENTICATED: '请先登录',
  FORBIDDEN: '没有权限执行此操作',
  NOT_FOUND: '没有找到相关内容',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  RESERVATION_NOT_OPEN: '预约尚未开始',
  RESERVATION_CLOSED: '预约已截止',
  SOLD_OUT: '该场次已约满',
  LIMIT_REACHED: '已达到每人可预约的上限',
  DUPLICATE_ID_NUMBER: '该证件号已预约过本活动',
  ALREADY_CANCELLED: '这张票已经取消',
  SESSION_STARTED: '场次已开始，无法取消',
  ALREADY_ENTERED: '这张票已经入场，无法取消',
  ERASE_NOT_ALLOWED: '票券取消或活动结束后才能删除个人信息',
  CARD_UNAVAILABLE: '卡包暂不可用，请使用页面内二维码入场',
  WECHAT_BUSY: '微信服务繁忙，请稍后重试',
  BUSY: '预约的人太多了，请稍后再试',
  WECHAT_CONFIG: '服务配置异常，请联系主办方',
  NETWORK_ERROR: '网络不给力，请检查网络后重试',
  TIMEOUT: '服务器没有及时响应，请稍后重试',
  INTERNAL: '系统开小差了，请稍后重试',
}

export const FIELD_ERROR_MESSAGES: Record<FieldError, string> = {
  REQUIRED: '此项必填',
  INVALID_NAME: '请填写真实姓名（最多 30 个字）',
  INVALID_PHONE: '请输入正确的 11 位手机号',
  INVALID_ID_NUMBER: '证件号码格式不正确',
  INVALID_ID_TYPE: '请选择证件类型',
  ID_REQUIRED: '本活动需要填写证件号码',
  CONSENT_REQUIRED: '请阅读并同意个人信息处理说明',
  INVALID_ID: '参数有误，请返回重试',
  UNEXPECTED_FIELD: '提交了无法识别的内容',
  INVALID_VALUE: '填写内容有误',
  NONCE_REUSED: '这次扫码的编号已用于另一张票，请重新扫码',
}

/** The Chinese message for an error code; unknown codes fall back to the generic one. */
export function errorMessage(code: string): string {
  return (ERROR_MESSAGES as Record<string, string>)[code] ?? ERROR_MESSAGES.INTERNAL
}
