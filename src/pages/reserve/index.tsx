import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import type { FieldErrors } from '../../../cloud/src/api/errors'
import { attendeeSchema, validate, type IdType } from '../../../cloud/src/api/validation'
import { formatSessionTime } from '../../format/time'
import { FIELD_ERROR_MESSAGES, TEXT, errorMessage } from '../../i18n/zh-CN'
import { selectSession, useEventsStore } from '../../stores/events'
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

export default function ReservePage() {
  const { params } = useRouter()
  const sessionId = params.sessionId ?? ''
  const session = useEventsStore(selectSession(sessionId))
  const event = useEventsStore((s) => s.events.find((e) => e.sessions.some((candidate) => candidate.id === sessionId)))
  const status = useReservationStore(selectSubmitStatus)
  const serverError = useReservationStore(selectSubmitError)
  const ticket = useReservationStore(selectReservedTicket)
  const submit = useReservationStore(selectSubmit)
  const reset = useReservationStore(selectReset)
  const [form, setForm] = useState<FormState>(EMPTY_FORM)
  const [fields, setFields] = useState<FieldErrors>({})

  useEffect(() => {
    reset()
  }, [sessionId, reset])

  useEffect(() => {
    if (serverError?.fields) setFields(serverError.fields)
  }, [serverError])

  if (!session || !event) {
    return (
      <View className='page'>
        <View className='empty'>{TEXT.sessionNotFound}</View>
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
    setFields(problems)
    if (Object.keys(problems).length === 0 && checked.ok) void submit(session.id, checked.value)
  }

  if (status === 'done' && ticket) {
    return (
      <View className='page'>
        <View className='card reserve__done'>
          <Text className='title'>{TEXT.reserved}</Text>
          <Text className='muted'>
            {ticket.session.name} · {formatSessionTime(ticket.session.startsAt, ticket.session.endsAt)}
          </Text>
        </View>
        <Button className='button-primary' onClick={() => void Taro.redirectTo({ url: `/pages/ticket/index?ticketId=${ticket.id}` })}>
          {TEXT.viewTicket}
        </Button>
      </View>
    )
  }

  const submitting = status === 'submitting'
  const generalError = serverError && !serverError.fields ? errorMessage(serverError.code) : null

  return (
    <View className='page'>
      <View className='card' data-testid='reserve-session'>
        <Text className='title'>{session.name}</Text>
        <Text className='muted'>{formatSessionTime(session.startsAt, session.endsAt)}</Text>
        <Text className='muted reserve__limits'>{TEXT.limitsHint(event.limits.perSession, event.limits.perEvent)}</Text>
      </View>
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
      {generalError && (
        <Text className='error-text reserve__error' data-testid='reserve-error'>
          {generalError}
        </Text>
      )}
      <Button className='button-primary' disabled={submitting} loading={submitting} onClick={onSubmit}>
        {submitting ? TEXT.submitting : TEXT.submit}
      </Button>
    </View>
  )
}
