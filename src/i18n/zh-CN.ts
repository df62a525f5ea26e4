/**
 * Every user-facing string of the app, in Simplified Chinese, kept in one place so it can be
 * translated. Pages and components import from here; no Chinese literal lives elsewhere in src/.
 */
import type { ErrorCode, FieldError } from '../../cloud/src/api/errors'

export const PAGE_TITLES = {
  app: '票卡',
  event: '活动',
  reserve: '填写预约',
  tickets: '我的票',
  ticket: '票券详情',
  checkin: '现场检票',
  organizer: '工作台',
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
  reserved: '预约成功',
  viewTicket: '查看票券',
  sessionNotFound: '没有找到这个场次，请返回活动页重新选择',
  limitsHint: (perSession: number, perEvent: number) => `每人每场限 ${perSession} 张，本活动最多 ${perEvent} 张`,
  ticketStatusActive: '有效',
  ticketStatusCancelled: '已取消',
  ticketSession: '场次',
  ticketPlace: '地点',
  ticketAttendee: '预约人',
  ticketPhone: '手机号',
  cancelTicket: '取消预约',
  cancelConfirmTitle: '确认取消？',
  cancelConfirmContent: '取消后名额将释放给其他人，此操作不可撤销',
  cancelled: '已取消预约',
  cancelUnavailable: '场次已开始，无法取消',
  showAtGate: '入场时请出示此二维码',
  ticketsEmpty: '还没有票，去活动页预约吧',
  noEvents: '暂时没有开放预约的活动',
  ticketHeading: '我的票券',
  checkinHeading: '扫码检票',
  checkinHint: '扫描观众出示的票券二维码或卡包二维码',
  organizerHeading: '主办方工作台',
  organizerCheckinEntry: '进入现场检票',
  organizerStatsPlaceholder: '实时数据与名单导出即将上线',
  cardPackUnsupported: '当前平台不支持微信卡包，请出示页面内二维码入场',
  addToCardPack: '添加到微信卡包',
  addingToCardPack: '正在添加…',
  viewInCardPack: '在卡包中查看',
  cardPackPending: '已添加到卡包，正在确认，稍后可在卡包中查看',
  cardPackAddFailed: '添加到卡包没有成功，请稍后重试；页面内的二维码照常可用',
  cardPackOpenFailed: '暂时无法打开卡包，请稍后重试；页面内的二维码照常可用',
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
  CARD_UNAVAILABLE: '卡包暂不可用，请使用页面内二维码入场',
  WECHAT_BUSY: '微信服务繁忙，请稍后重试',
  WECHAT_CONFIG: '服务配置异常，请联系主办方',
  NETWORK_ERROR: '网络不给力，请检查网络后重试',
  INTERNAL: '系统开小差了，请稍后重试',
}

export const FIELD_ERROR_MESSAGES: Record<FieldError, string> = {
  REQUIRED: '此项必填',
  INVALID_NAME: '请填写真实姓名（最多 30 个字）',
  INVALID_PHONE: '请输入正确的 11 位手机号',
  INVALID_ID_NUMBER: '证件号码格式不正确',
  INVALID_ID_TYPE: '请选择证件类型',
  ID_REQUIRED: '本活动需要填写证件号码',
  INVALID_ID: '参数有误，请返回重试',
  UNEXPECTED_FIELD: '提交了无法识别的内容',
  INVALID_VALUE: '填写内容有误',
}

/** The Chinese message for an error code; unknown codes fall back to the generic one. */
export function errorMessage(code: string): string {
  return (ERROR_MESSAGES as Record<string, string>)[code] ?? ERROR_MESSAGES.INTERNAL
}
