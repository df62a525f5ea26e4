import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { useShallow } from 'zustand/react/shallow'
import { useEffect, useState } from 'react'
import type { FieldErrors } from '../../../cloud/src/api/errors'
import type { EventView, TicketView } from '../../../cloud/src/api/models'
import { PRIVACY_NOTICE_VERSION } from '../../../cloud/src/api/privacy'
import { attendeeSchema, validate, type IdType } from '../../../cloud/src/api/validation'
import { FreshnessNotice } from '../../components/Freshness'
import { LoadingOrNotFound } from '../../components/LoadState'
import { PageMessage, SEE_ALL_EVENTS } from '../../components/PageMessage'
import { PrivacyPopup } from '../../components/PrivacyPopup'
import { WechatOnly } from '../../components/WechatOnly'
import { sessionBadge } from '../../format/status'
import { formatSessionTime } from '../../format/time'
import { FIELD_ERROR_MESSAGES, TEXT, errorMessage, reminderProblem } from '../../i18n/zh-CN'
import { ROUTES } from '../../navigation'
import { capabilities } from '../../platform'
import { selectEventsFreshness, selectLoad, selectSession, useEventsStore } from '../../stores/events'
import { selectWechatAuthorization, usePrivacyStore } from '../../stores/privacy'
import { selectAsk, selectCanAsk, selectIsAsking, selectLoadTemplates, useRemindersStore } from '../../stores/reminders'
import {
  selectReservedTicket,
  selectReset,
  selectSubmit,
  selectSubmitError,
  selectSubmitStatus,
  useReservationStore,
} from '../../stores/reservation'
import './index.css'

interface FormState {
  name: string
  phone: string
  idType: IdType
  idNumber: string
}

const EMPTY_FORM: FormState = { name: '', phone: '', idType: 'mainland', idNumber: '' }

function FieldMessage({ fields, path }: { fields: FieldErrors; path: string }) {
  const code = fields[path]
  return code ? <Text className='field__error' data-testid={`error-${path}`}>{FIELD_ERROR_MESSAGES[code]}</Text> : null
}

/**
 * What is collected, why, for how long and who sees it, before anything is sent; the full notice
 * one tap away; and the agreement itself, unticked until the person ticks it.
 */
function ConsentSection({ event, agreed, onToggle, fields }: { event: EventView; agreed: boolean; onToggle: () => void; fields: FieldErrors }) {
  const rows = [
    [TEXT.consentCollectedLabel, TEXT.consentCollected(event.idNumber)],
    [TEXT.consentPurposeLabel, TEXT.consentPurpose],
    [TEXT.consentRetentionLabel, TEXT.consentRetention(event.dataRetentionDays)],
    [TEXT.consentAudienceLabel, TEXT.consentAudience],
  ]
  return (
    <View className='card consent' data-testid='consent'>
      <Text className='consent__heading'>{TEXT.consentHeading}</Text>
      {rows.map(([label, text]) => (
        <View key={label} className='consent__row'>
          <Text className='consent__label'>{label}</Text>
          <Text className='consent__text'>{text}</Text>
        </View>
      ))}
      <Text className='consent__link' onClick={() => void Taro.navigateTo({ url: ROUTES.privacy(event.id) })}>
        {TEXT.consentReadNotice}
      </Text>
      <View className={`consent__agree ${agreed ? 'consent__agree--on' : ''}`} onClick={onToggle} data-testid='consent-checkbox' aria-checked={agreed}>
        <View className='consent__box' />
        <Text className='consent__agree-text'>{TEXT.consentAgree}</Text>
      </View>
      <FieldMessage fields={fields} path='consent' />
    </View>
  )
}

/**
 * The reservation went through. Where the host has subscribe messages, the next step is the
 * reminders: the tap asks the host at once (WeChat shows its sheet only in a tap, which is why the
 * templates were read when the form opened), records the answer, a no included, then opens the
 * ticket. When the host gives no answer, the ticket is safe: the page says so and stays, and the
 * ticket page offers to ask again.
 */
function Reserved({ ticket }: { ticket: TicketView }) {
  const canAsk = useRemindersStore(selectCanAsk)
  const asking = useRemindersStore(selectIsAsking(ticket.id))
  const ask = useRemindersStore(selectAsk)
  const loadTemplates = useRemindersStore(selectLoadTemplates)
  const [problem, setProblem] = useState<string | null>(null)
  const openTicket = () => void Taro.redirectTo({ url: ROUTES.ticket(ticket.id) })

  // A read that failed while the form was filled gets one more chance; a done one is not repeated.
  useEffect(() => {
    void loadTemplates()
  }, [loadTemplates])

  const turnOn = () => {
    setProblem(null)
    void ask(ticket.id).then((answer) => {
      const said = reminderProblem(answer)
      if (said) setProblem(said)
      else if (answer.kind === 'recorded') openTicket()
    })
  }
  return (
    <View className='page'>
      <View className='card reserve__done'>
        <Text className='title'>{TEXT.reserved}</Text>
        <Text className='muted'>
          {ticket.session.name} · {formatSessionTime(ticket.session.startsAt, ticket.session.endsAt)}
        </Text>
        {canAsk && <Text className='muted reserve__reminder-offer'>{TEXT.reminderOffer}</Text>}
      </View>
      {problem && (
        <View className='reserve__error' role='alert' data-testid='reminder-problem'>
          <Text className='error-text'>{problem}</Text>
        </View>
      )}
      {canAsk && (
        <Button className='button-primary reserve__next' disabled={asking} loading={asking} onClick={turnOn}>
          {asking ? TEXT.reminderTurningOn : TEXT.reminderTurnOn}
        </Button>
      )}
      <Button className={canAsk ? 'button-secondary reserve__next' : 'button-primary'} onClick={openTicket}>
        {TEXT.viewTicket}
      </Button>
    </View>
  )
}

function ReserveForm({ sessionId }: { sessionId: string }) {
  const session = useEventsStore(selectSession(sessionId))
  const event = useEventsStore((s) => s.events.find((e) => e.sessions.some((candidate) => candidate.id === sessionId)))
  const freshness = useEventsStore(useShallow(selectEventsFreshness))
  const loadEvents = useEventsStore(selectLoad)
  const wechatAuthorization = usePrivacyStore(selectWechatAuthorization)
  const checkPrivacy = usePrivacyStore((s) => s.check)
  const status = useReservationStore(selectSubmitStatus)
  const serverError = useReservationStore(selectSubmitError)
  const ticket = useReservationStore(selectReservedTicket)
  const submit = useReservationStore(selectSubmit)
  const reset = useReservationStore(selectReset)
  const loadReminderTemplates = useRemindersStore(selectLoadTemplates)
  const [form, setForm] = useState<FormState>(EMPTY_FORM)
  const [fields, setFields] = useState<FieldErrors>({})
  const [agreed, setAgreed] = useState(false)
  const retry = () => void loadEvents()

  useEffect(() => {
    reset()
  }, [sessionId, reset])

  // Fresh seat counts on every visit; a shared link or a reload starts with none at all.
  useDidShow(() => {
    void loadEvents()
  })

  // The reminder templates must be at hand before the tap that asks for them, after reserving.
  useEffect(() => {
    void loadReminderTemplates()
  }, [loadReminderTemplates])

  // WeChat: before collecting anything, the person agrees to the mini-program's privacy guide.
  useEffect(() => {
    void checkPrivacy()
  }, [checkPrivacy])

  useEffect(() => {
    if (serverError?.fields) setFields(serverError.fields)
  }, [serverError])

  if (status === 'done' && ticket) return <Reserved ticket={ticket} />

  if (!session || !event) {
    // Only a list that just arrived can say the session is not there.
    return (
      <LoadingOrNotFound
        status={freshness.status}
        error={freshness.error}
        onRetry={retry}
        missing={freshness.status === 'ready'}
        notFound={{ title: TEXT.sessionNotFoundTitle, body: TEXT.sessionNotFound, actions: [{ ...SEE_ALL_EVENTS, primary: true }] }}
      />
    )
  }

  const badge = sessionBadge(session, Date.now())
  if (badge !== 'available' && status !== 'submitting') {
    return (
      <View className='page'>
        <PageMessage
          testId='session-unavailable'
          title={TEXT.sessionUnavailableTitle(badge === 'soldOut')}
          body={TEXT.sessionUnavailable}
          actions={[{ label: TEXT.seeOtherSessions, onClick: () => void Taro.redirectTo({ url: ROUTES.event(event.id) }), primary: true }]}
        />
      </View>
    )
  }

  const askId = event.idNumber !== 'off'
  const update = (key: keyof FormState) => (e: { detail: { value: string } }) => {
    setForm({ ...form, [key]: e.detail.value })
    const path = key === 'idType' ? 'attendee.idNumber' : `attendee.${key}`
    if (fields[path]) {
      const rest = { ...fields }
      delete rest[path]
      setFields(rest)
    }
  }

  const onSubmit = () => {
    const attendee = {
      name: form.name,
      phone: form.phone,
      ...(askId && form.idNumber.trim() ? { idType: form.idType, idNumber: form.idNumber } : {}),
    }
    const checked = validate(attendeeSchema, attendee)
    const problems: FieldErrors = {}
    if (!checked.ok) for (const [path, code] of Object.entries(checked.fields)) problems[`attendee.${path}`] = code
    if (event.idNumber === 'required' && !form.idNumber.trim()) problems['attendee.idNumber'] = 'ID_REQUIRED'
    if (!agreed) problems.consent = 'CONSENT_REQUIRED'
    setFields(problems)
    if (Object.keys(problems).length > 0 || !checked.ok) return
    if (wechatAuthorization !== 'agreed') {
      void checkPrivacy()
      return
    }
    void submit(session.id, checked.value, { noticeVersion: PRIVACY_NOTICE_VERSION })
  }

  const toggleConsent = () => {
    setAgreed(!agreed)
    if (fields.consent) {
      const rest = { ...fields }
      delete rest.consent
      setFields(rest)
    }
  }

  const queued = status === 'queued'
  const submitting = status === 'submitting' || queued
  const generalError = serverError && !serverError.fields ? errorMessage(serverError.code) : null

  return (
    <View className='page'>
      <FreshnessNotice freshness={freshness} onRetry={retry} />
      <View className='card' data-testid='reserve-session'>
        <Text className='title'>{session.name}</Text>
        <Text className='muted'>{formatSessionTime(session.startsAt, session.endsAt)}</Text>
        <Text className='muted reserve__limits'>{TEXT.limitsHint(event.limits.perSession, event.limits.perEvent)}</Text>
      </View>
      {/* WeChat: refused its privacy guide, so the form collects nothing until the person agrees. */}
      {wechatAuthorization === 'refused' ? (
        <View className='card reserve__privacy-refused'>
          <Text className='muted'>{TEXT.wechatPrivacyRefused}</Text>
          <Button className='button-secondary reserve__privacy-again' onClick={() => void checkPrivacy()}>
            {TEXT.wechatPrivacyAskAgain}
          </Button>
        </View>
      ) : (
        <View className='card'>
          <Text className='title'>{TEXT.reserveFormHeading}</Text>
          <View className='field'>
            <Text className='field__label'>{TEXT.nameLabel}</Text>
            <Input className='field__input' name='name' value={form.name} placeholder={TEXT.namePlaceholder} maxlength={30} onInput={update('name')} />
            <FieldMessage fields={fields} path='attendee.name' />
          </View>
          <View className='field'>
            <Text className='field__label'>{TEXT.phoneLabel}</Text>
            <Input className='field__input' name='phone' type='number' value={form.phone} placeholder={TEXT.phonePlaceholder} maxlength={11} onInput={update('phone')} />
            <FieldMessage fields={fields} path='attendee.phone' />
          </View>
          {askId && (
            <View className='field'>
              <Text className='field__label'>
                {TEXT.idNumberLabel}
                {event.idNumber === 'optional' ? TEXT.idNumberOptional : ''}
              </Text>
              <View className='field__choices'>
                {(['mainland', 'passport'] as const).map((idType) => (
                  <Text
                    key={idType}
                    className={`field__choice ${form.idType === idType ? 'field__choice--on' : ''}`}
                    onClick={() => setForm({ ...form, idType })}
                  >
                    {idType === 'mainland' ? TEXT.idTypeMainland : TEXT.idTypePassport}
                  </Text>
                ))}
              </View>
              <Input className='field__input' name='idNumber' value={form.idNumber} placeholder={TEXT.idNumberPlaceholder} maxlength={18} onInput={update('idNumber')} />
              <FieldMessage fields={fields} path='attendee.idNumber' />
            </View>
          )}
        </View>
      )}
      <ConsentSection event={event} agreed={agreed} onToggle={toggleConsent} fields={fields} />
      {generalError && (
        <Text className='error-text reserve__error' data-testid='reserve-error'>
          {generalError}
        </Text>
      )}
      {queued && (
        <View className='reserve__queued' role='status' data-testid='reserve-queued'>
          <Text className='muted'>{TEXT.queuedHint}</Text>
        </View>
      )}
      <Button
        className={`button-primary ${submitting ? 'button-primary--busy' : ''}`}
        disabled={submitting || wechatAuthorization === 'refused'}
        loading={submitting}
        onClick={onSubmit}
      >
        {queued ? TEXT.queued : submitting ? TEXT.submitting : TEXT.submit}
      </Button>
      <PrivacyPopup />
    </View>
  )
}

/** The reservation form of one session (`?sessionId=`); where the target has no sign-in, the way to WeChat. */
export default function ReservePage() {
  const { params } = useRouter()
  const sessionId = params.sessionId ?? ''
  if (!capabilities.signedIn) return <ReserveInWechat sessionId={sessionId} />
  return <ReserveForm sessionId={sessionId} />
}

function ReserveInWechat({ sessionId }: { sessionId: string }) {
  const session = useEventsStore(selectSession(sessionId))
  const loadEvents = useEventsStore(selectLoad)
  useDidShow(() => {
    void loadEvents()
  })
  return (
    <View className='page'>
      {session && (
        <View className='card' data-testid='reserve-session'>
          <Text className='title'>{session.name}</Text>
          <Text className='muted'>{formatSessionTime(session.startsAt, session.endsAt)}</Text>
        </View>
      )}
      <WechatOnly title={TEXT.wechatOnlyReserveTitle} />
    </View>
  )
}
